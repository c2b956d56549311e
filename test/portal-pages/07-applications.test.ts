/**
 * The developer portal's account and application pages in Debian's Chromium: the journey from Sign up to Delete
 * with the Client Secret on exactly one page, and the refusals (wrong password, another developer's app, a form
 * from another port, script in names). Every page is watched: a console error, a CSP violation or a request
 * leaving loopback fails the test, and every document must carry the CSP header.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { CONTENT_SECURITY_POLICY } from '../../sidecar/pages/security-headers';
import { developerActor } from '../../sidecar/store/audit';
import { expectAccessible, launchChromium, openWatchedPage, type WatchedPage } from '../support/browser';
import { newEmail, PASSWORD } from '../support/portal-journey';
import { type PortalPages, createApp, signIn, signUp, startPortalPages, submit } from '../support/portal-pages';
import { testDatabases } from '../support/sidecar-databases';

const XSS = `<img src=x onerror="window.__xss=1">"'><script>window.__xss=2</script>`;

describe.each(testDatabases)('portal pages in Chromium on %s', (_name, createDatabase) => {
  let site: PortalPages;
  let browser: Browser;
  const opened: WatchedPage[] = [];
  /** Every document the browser loaded from the portal, with its CSP header. */
  const documents: { url: string; csp: string | undefined }[] = [];

  beforeAll(async () => {
    site = await startPortalPages(createDatabase);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await Promise.all(opened.map((watched) => watched.context.close()));
    await browser?.close();
    await site?.close();
  });

  /** A browser of its own (own cookies), every document it loads from the portal recorded. */
  async function person(viewport?: { width: number; height: number }): Promise<WatchedPage> {
    const watched = await openWatchedPage(browser, viewport ? { viewport } : {});
    opened.push(watched);
    watched.page.on('response', (response) => {
      if (response.request().resourceType() === 'document' && response.url().startsWith(site.url)) {
        documents.push({ url: response.url(), csp: response.headers()['content-security-policy'] });
      }
    });
    return watched;
  }

  async function signedUpAndIn(watched: WatchedPage, fullName = 'Jane Doe'): Promise<string> {
    const email = newEmail('pages');
    await signUp(watched.page, site.url, { fullName, email, password: PASSWORD });
    expect(await watched.page.getByRole('heading', { name: 'Check your email' }).isVisible()).toBe(true);
    const response = await signIn(watched.page, site.url, email, PASSWORD);
    expect(response.status()).toBe(303);
    expect(new URL(watched.page.url()).pathname).toBe('/apps');
    return email;
  }

  const html = (page: Page) => page.content();

  it('signs up, signs in and creates an application whose Client Secret is on the Create page only: no-store, gone after Proceed, a reload, Back and a resubmission', async () => {
    const jane = await person();
    const { page } = jane;
    await signedUpAndIn(jane);
    expect(await page.getByText('No applications yet').isVisible()).toBe(true);
    await expectAccessible(jane);

    await page.getByRole('link', { name: 'New App' }).first().click();
    expect(await page.getByRole('heading', { name: 'Create New Application' }).isVisible()).toBe(true);
    await expectAccessible(jane);
    const { response, clientId, clientSecret, form } = await createApp(page, site.url, { name: 'weather-app', description: 'Forecasts' });
    expect(response.status()).toBe(200);
    expect(response.headers()['cache-control']).toBe('no-store');
    expect(clientId).toMatch(/\S{8,}/);
    expect(clientSecret).toMatch(/\S{16,}/);
    expect(await page.getByText('shown only this once').isVisible()).toBe(true);
    expect(await page.locator('#command-basic').textContent()).toContain(`-H "Authorization: Basic ${clientId}:${clientSecret}"`);
    expect(await page.locator('#command-token').textContent()).toContain('grant_type=client_credentials');
    await expectAccessible(jane);

    await page.getByRole('link', { name: 'Proceed' }).click();
    await page.waitForLoadState('load');
    expect(await page.getByRole('heading', { name: 'weather-app', level: 1 }).isVisible()).toBe(true);
    expect(await html(page)).toContain(clientId);
    expect(await html(page)).not.toContain(clientSecret);
    await expectAccessible(jane);
    const detailsUrl = page.url();

    await page.reload();
    expect(await html(page)).not.toContain(clientSecret);

    // Back to the Create answer: never served again (no-store), and removed from the DOM on pagehide if restored.
    await page.goBack().catch(() => undefined);
    expect(await html(page)).not.toContain(clientSecret);
    await page.goto(detailsUrl);

    // The same form sent again (the browser's resubmission): the same application, its secret not shown.
    const again = await jane.context.request.post(`${site.url}/apps`, { form, headers: { origin: site.url } });
    expect(again.status()).toBe(200);
    expect(await again.text()).toContain('created; its secret was shown once');
    expect(await again.text()).not.toContain(clientSecret);
    await page.goto(`${site.url}/apps`);
    expect(await page.locator('.card').count()).toBe(1);
    expect(await html(page)).not.toContain(clientSecret);
    expect(await site.portal.sidecar.database.rawContents()).not.toContain(clientSecret);
    await jane.close();
  });

  it('refreshes the secret after a confirmation step (shown once, no-store), edits the name and description, withdraws a registration and deletes the application, each destructive step confirmed', async () => {
    const jane = await person();
    const { page } = jane;
    const email = await signedUpAndIn(jane);
    const first = await createApp(page, site.url, { name: 'rotating-app' });
    await page.getByRole('link', { name: 'Proceed' }).click();
    await page.waitForLoadState('load');
    const detailsUrl = page.url();

    await submit(page, 'Refresh secret');
    expect(await page.getByRole('heading', { name: 'Refresh secret?' }).isVisible()).toBe(true);
    await expectAccessible(jane);
    const refreshed = await submit(page, 'Refresh secret');
    expect(refreshed.headers()['cache-control']).toBe('no-store');
    const secret = (await page.locator('#client-secret').textContent())?.trim();
    expect(secret).toMatch(/\S{16,}/);
    expect(secret).not.toBe(first.clientSecret);
    expect((await site.okta.token(first.clientId, secret!)).length).toBeGreaterThan(0);
    await page.getByRole('link', { name: 'Proceed' }).click();
    await page.waitForLoadState('load');
    expect(await html(page)).not.toContain(secret!);
    expect(await page.getByText('Client Secret refreshed').isVisible()).toBe(true);

    await page.getByLabel('Name', { exact: true }).fill('renamed-app');
    await page.getByLabel('Description', { exact: true }).fill('Now with a description');
    await submit(page, 'Save');
    expect(await page.getByRole('heading', { name: 'renamed-app', level: 1 }).isVisible()).toBe(true);
    expect(await page.getByText('Now with a description').first().isVisible()).toBe(true);
    expect(await page.getByText('Details changed').isVisible()).toBe(true);

    const appId = new URL(detailsUrl).pathname.split('/')[2]!;
    const { developer } = (await site.portal.sidecar.store.developers.findWithPasswordByEmail(email))!;
    await site.portal.sidecar.app.useCases.registrations.request(developer, appId, { service: 'demo' }, developerActor(developer.id, '127.0.0.1'));
    await page.reload();
    expect(await page.locator('td .badge-pending').textContent()).toBe('pending');
    await submit(page, 'Withdraw demo');
    expect(await page.getByRole('heading', { name: 'Withdraw registration?' }).isVisible()).toBe(true);
    await submit(page, 'Withdraw');
    expect(await page.getByText('The registration is withdrawn.').isVisible()).toBe(true);
    expect(await page.getByText('This application is not registered for any API yet').isVisible()).toBe(true);

    await submit(page, 'Delete');
    expect(await page.getByRole('heading', { name: 'Delete application?' }).isVisible()).toBe(true);
    await page.getByRole('link', { name: 'Cancel' }).click();
    expect(page.url()).toBe(detailsUrl);
    await submit(page, 'Delete');
    await submit(page, 'Delete');
    expect(new URL(page.url()).pathname).toBe('/apps');
    expect(await page.getByText('The application is deleted.').isVisible()).toBe(true);
    expect((await page.goto(detailsUrl))?.status()).toBe(404);
    await jane.close();
  });

  it('returns 401 for a wrong password with the reason above the form, the email kept and the password field empty', async () => {
    const jane = await person();
    const email = await signedUpAndIn(jane);
    await submit(jane.page, 'Sign out');
    expect(new URL(jane.page.url()).pathname).toBe('/login');
    const response = await signIn(jane.page, site.url, email, 'not the password at all');
    expect(response.status()).toBe(401);
    expect(await jane.page.getByRole('alert').textContent()).toContain('invalid email or password');
    expect(await jane.page.getByLabel('Email', { exact: true }).inputValue()).toBe(email);
    expect(await jane.page.getByLabel('Password', { exact: true }).inputValue()).toBe('');
    await expectAccessible(jane);
    await jane.close();
  });

  it("returns 404 for another developer's application by its URL, and for its delete form", async () => {
    const alice = await person();
    await signedUpAndIn(alice, 'Alice');
    await createApp(alice.page, site.url, { name: 'alice-app' });
    await alice.page.getByRole('link', { name: 'Proceed' }).click();
    await alice.page.waitForLoadState('load');
    const aliceApp = alice.page.url();

    const bob = await person();
    await signedUpAndIn(bob, 'Bob');
    const response = await bob.page.goto(aliceApp);
    expect(response?.status()).toBe(404);
    expect(await bob.page.getByRole('heading', { name: 'Not Found' }).isVisible()).toBe(true);
    expect(await bob.page.content()).not.toContain('alice-app');
    const token = await bob.page.goto(`${site.url}/apps`).then(() => bob.page.locator('input[name="_csrf"]').first().inputValue());
    const deleted = await bob.context.request.post(`${aliceApp}/delete`, { form: { _csrf: token, confirm: 'yes' }, headers: { origin: site.url } });
    expect(deleted.status()).toBe(404);
    expect((await alice.page.reload())?.status()).toBe(200);
    await alice.close();
    await bob.close();
  });

  it('refuses with 403 a form posted from a page on another port of 127.0.0.1 with the victim\'s cookies, creating nothing', async () => {
    const victim = await person();
    await signedUpAndIn(victim);
    const token = await victim.page.locator('input[name="_csrf"]').first().inputValue();
    const attacker = http.createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' }).end(
        `<!doctype html><html lang="en"><head><title>win</title></head><body><form method="post" action="${site.url}/apps">` +
          `<input name="_csrf" value="${token}"><input name="name" value="planted"><input name="auth_strategy_id" value="${site.strategyId}">` +
          `<input name="idempotency_key" value="${randomUUID()}"><button>Go</button></form></body></html>`,
      );
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    try {
      const origin = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
      const page = await victim.context.newPage();
      await page.goto(origin);
      const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Go' }).click()]);
      expect(response.status()).toBe(403);
      expect(await page.getByRole('heading', { name: 'Forbidden' }).isVisible()).toBe(true);
      await page.close();
      await victim.page.goto(`${site.url}/apps`);
      expect(await victim.page.getByText('No applications yet').isVisible()).toBe(true);
    } finally {
      await new Promise((resolve) => attacker.close(resolve));
    }
    await victim.close();
  });

  it('shows script in a full name, an application name and a description as text: nothing runs, no element is made of it', async () => {
    const mallory = await person({ width: 320, height: 640 });
    const { page } = mallory;
    await signedUpAndIn(mallory, XSS);
    await createApp(page, site.url, { name: XSS, description: XSS });
    await page.getByRole('link', { name: 'Proceed' }).click();
    await page.waitForLoadState('load');
    for (const path of [new URL(page.url()).pathname, '/apps', '/account']) {
      await page.goto(site.url + path);
      expect(await page.evaluate('window.__xss')).toBeUndefined();
      expect(await page.locator('img[src="x"], main script').count()).toBe(0);
      expect(await page.locator('body').innerText()).toContain(XSS.slice(0, 20));
    }
    await mallory.close();
  });

  it('sent the CSP header with every page the browser loaded', () => {
    expect(documents.length).toBeGreaterThan(20);
    expect(documents.filter((d) => d.csp !== CONTENT_SECURITY_POLICY)).toEqual([]);
  });
});
