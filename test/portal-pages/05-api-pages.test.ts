/**
 * The portal's APIs pages in Chromium: the catalog a visitor sees (private APIs signed in only), an API's page
 * with its OpenAPI reference rendered as text (a document with script in it stays inert), Use this API (my apps
 * of the API's auth strategy), Request access (pending, or approved at once when the API auto-approves; a second
 * request while one is open says so). axe-core on every page; no console error, CSP violation or outside request.
 */
import type { Browser, Page } from 'playwright-core';
import { PORTAL } from '../../sidecar/defaults';
import { expectAccessible, launchChromium, openWatchedPage, type WatchedPage } from '../support/browser';
import { type ListeningPortal, startListeningPortal } from '../support/listening-portal';
import { PASSWORD, newEmail, register } from '../support/portal-journey';
import { testDatabases } from '../support/sidecar-databases';
import { selfManagedStrategy } from '../support/sidecar-fixtures';

const ISSUER = 'https://idp.example.com/oauth2/default';

/** Script and markup in every text an OpenAPI document can put on the page. */
const XSS = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>"'`;
const HOSTILE_SPEC = JSON.stringify({
  openapi: '3.0.3',
  info: { title: `Orders ${XSS}`, version: '2.0.0', description: `About ${XSS}` },
  paths: {
    [`/orders/{id}`]: {
      get: {
        summary: `Read an order ${XSS}`,
        description: `Returns it. ${XSS}`,
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: `The order ${XSS}` }],
        responses: { '200': { description: `The order ${XSS}` }, '404': { description: 'No such order' } },
      },
    },
  },
});

describe.each(testDatabases)('the portal APIs pages in a browser, on %s', (_name, createDatabase) => {
  let portal: ListeningPortal;
  let browser: Browser;
  let strategyId: string;
  let otherStrategyId: string;
  const apis: Record<string, string> = {};
  const opened: WatchedPage[] = [];

  const admin = async (method: 'POST' | 'PUT', url: string, payload?: object) => {
    const response = await portal.sidecar.admin({ method, url, ...(payload && { payload }) });
    if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
    return response.json();
  };
  const publishedApi = async (name: string, publication: object, extra: object = {}) => {
    const api = await admin('POST', '/v3/apis', { name, version: '1.0.0', ...extra });
    await admin('PUT', `/v3/apis/${api.id}/publications/${PORTAL.id}`, publication);
    apis[name] = api.id;
  };
  /** An application an admin claimed for the developer (a self-managed client: no IdP needed here). */
  const claimedApp = (developerId: string, name: string, authStrategyId: string) =>
    admin('POST', `/v2/developers/${developerId}/applications`, { name, auth_strategy_id: authStrategyId, client_id: `client-${process.pid}-${name}` });

  /** Signed up through the JSON API: the portal's settings here approve at once, without an email link. */
  const approvedDeveloper = async (email: string) => {
    const response = await register(portal, email);
    if (response.statusCode !== 201) throw new Error(`sign-up: ${response.statusCode} ${response.body}`);
    const found = await portal.sidecar.store.developers.findWithPasswordByEmail(email);
    if (found?.developer.status !== 'approved') throw new Error(`${email} is not approved`);
    return { id: found.developer.id, email };
  };

  const open = async (): Promise<WatchedPage> => {
    const watched = await openWatchedPage(browser);
    opened.push(watched);
    return watched;
  };
  const visit = async (watched: WatchedPage, path: string) => {
    const response = await watched.page.goto(portal.url + path);
    return response?.status();
  };
  const signIn = async (watched: WatchedPage, email: string) => {
    await visit(watched, '/login');
    await watched.page.getByLabel('Email').fill(email);
    await watched.page.getByLabel('Password').fill(PASSWORD);
    await submit(watched.page, 'Sign in');
    await watched.page.waitForURL(`${portal.url}/apps`);
  };
  /** Clicks a form's button and waits for the page its form answers with. */
  const submit = async (page: Page, button: string) => {
    await Promise.all([page.waitForEvent('framenavigated'), page.getByRole('button', { name: button }).click()]);
    await page.waitForLoadState();
  };
  const cardNames = (page: Page) => page.getByRole('list', { name: 'Published APIs' }).getByRole('heading').allTextContents();

  beforeAll(async () => {
    portal = await startListeningPortal(createDatabase);
    strategyId = await selfManagedStrategy(portal.sidecar, ISSUER);
    otherStrategyId = await selfManagedStrategy(portal.sidecar, ISSUER);
    await publishedApi('orders', { auth_strategy_ids: [strategyId], visibility: 'public', auto_approve_registrations: false }, {
      description: `Orders, as "text" <b>only</b>`,
      spec_content: HOSTILE_SPEC,
    });
    await publishedApi('billing', { auth_strategy_ids: [strategyId], visibility: 'private', auto_approve_registrations: false });
    await publishedApi('reports', { auth_strategy_ids: [strategyId], visibility: 'public', auto_approve_registrations: true });
    await admin('POST', '/v3/apis', { name: 'unpublished' });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await Promise.all(opened.map((watched) => watched.context.close()));
    await browser?.close();
    await portal?.close();
  });

  it('shows a visitor the public APIs with their descriptions as text, and no private one even by its URL', async () => {
    const visitor = await open();
    expect(await visit(visitor, '/apis')).toBe(200);
    expect((await cardNames(visitor.page)).sort()).toEqual(['orders', 'reports']);
    await expect(visitor.page.getByText('Orders, as "text" <b>only</b>').count()).resolves.toBe(1);
    await expectAccessible(visitor);
    expect(await visit(visitor, `/apis/${apis.billing}`)).toBe(404);
    await expectAccessible(visitor);
    await visitor.close();
  });

  it('renders the OpenAPI reference of an API as text: its script and markup never run', async () => {
    const visitor = await open();
    expect(await visit(visitor, `/apis/${apis.orders}`)).toBe(200);
    const { page } = visitor;
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('orders');
    await expect(page.getByRole('heading', { name: 'GET /orders/{id}' }).count()).resolves.toBe(1);
    const main = (await page.locator('main').textContent()) ?? '';
    for (const text of [`Read an order ${XSS}`, `Returns it. ${XSS}`, `The order ${XSS}`, `Orders ${XSS}`, 'No such order', 'pending until an administrator approves']) {
      expect(main).toContain(text);
    }
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    expect(await page.locator('main img, main script').count()).toBe(0);
    await expectAccessible(visitor);
    await visitor.close();
  });

  it('sends a visitor who tries Use this API to sign in', async () => {
    const visitor = await open();
    await visit(visitor, `/apis/${apis.orders}`);
    await visitor.page.getByRole('link', { name: 'Use this API' }).click();
    await visitor.page.waitForURL(`${portal.url}/login`);
    await visitor.close();
  });

  it('lets a signed-in developer see private APIs, request access with one of their apps (pending), and says so when asked again', async () => {
    const developer = await approvedDeveloper(newEmail('pages'));
    await claimedApp(developer.id, `weather <app> "1"`, strategyId);
    await claimedApp(developer.id, 'other-strategy-app', otherStrategyId);
    const dev = await open();
    await signIn(dev, developer.email);
    await visit(dev, '/apis');
    expect((await cardNames(dev.page)).sort()).toEqual(['billing', 'orders', 'reports']);
    await expectAccessible(dev);

    await visit(dev, `/apis/${apis.orders}`);
    await dev.page.getByRole('link', { name: 'Use this API' }).click();
    await dev.page.waitForURL(`${portal.url}/apis/${apis.orders}/use`);
    // Only the app of the API's auth strategy is offered.
    await expect(dev.page.getByRole('radio').count()).resolves.toBe(1);
    await expectAccessible(dev);

    // A second tab on the same form, sent after the first: the request is open already.
    const secondTab = await dev.context.newPage();
    await secondTab.goto(`${portal.url}/apis/${apis.orders}/use`);

    await dev.page.getByRole('radio', { name: /weather <app> "1"/ }).check();
    await submit(dev.page, 'Request access');
    await expect(dev.page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Access requested');
    await expect(dev.page.getByRole('status').textContent()).resolves.toMatch(/is\s+pending/);
    await expectAccessible(dev);

    await secondTab.getByRole('radio', { name: /weather <app> "1"/ }).check();
    await submit(secondTab, 'Request access');
    await expect(secondTab.getByRole('alert').textContent()).resolves.toBe('This application already has a request for orders: it is pending.');
    // The form again, the app now marked pending and not offered.
    await expect(secondTab.getByRole('radio', { name: /weather <app> "1"\s+pending/ }).isDisabled()).resolves.toBe(true);
    await secondTab.close();

    await visit(dev, `/apis/${apis.orders}/use`);
    await expect(dev.page.getByRole('radio', { name: /pending/ }).isDisabled()).resolves.toBe(true);
    await dev.close();
  });

  it('approves at once on an API that auto-approves, and says the app has to be chosen when none was', async () => {
    const developer = await approvedDeveloper(newEmail('pages'));
    await claimedApp(developer.id, 'auto-app', strategyId);
    const dev = await open();
    await signIn(dev, developer.email);
    await visit(dev, `/apis/${apis.reports}/use`);
    await submit(dev.page, 'Request access');
    await expect(dev.page.locator('.field-error').textContent()).resolves.toBe('choose one of your applications');
    await expectAccessible(dev);
    await dev.page.getByRole('radio', { name: 'auto-app' }).check();
    await submit(dev.page, 'Request access');
    await expect(dev.page.getByRole('status').textContent()).resolves.toMatch(/^Approved: your app can call reports/);
    await dev.close();
  });

  it('tells a developer without an app of the strategy to create one, at 320 px too', async () => {
    const developer = await approvedDeveloper(newEmail('pages'));
    const dev = await openWatchedPage(browser, { viewport: { width: 320, height: 640 } });
    opened.push(dev);
    await signIn(dev, developer.email);
    await visit(dev, `/apis/${apis.orders}/use`);
    await expect(dev.page.getByRole('link', { name: 'New App' }).getAttribute('href')).resolves.toBe('/apps/new');
    await expect(dev.page.getByRole('button', { name: 'Request access' }).count()).resolves.toBe(0);
    await expectAccessible(dev);
    expect(await dev.page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(320);
    await dev.close();
  });
});
