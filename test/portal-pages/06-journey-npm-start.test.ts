/**
 * The guides' browser journey through `npm start`, in Chromium, on the stack's own ports: a developer signs up,
 * signs in, New App, Create, reads the Client ID and Client Secret off the page, Proceed (the secret gone), Use
 * this API on `demo`, Request access; the gateway refuses the app (403) until the admin approves in the console;
 * then the credentials work at the gateway (a Bearer token from the local Okta, and the guide's literal
 * `Basic CLIENT_ID:CLIENT_SECRET`); Refresh secret; a suspended developer is refused and a reinstated one is let
 * through again; Delete, then refused; then, with demo published with a self-managed strategy (in the console, with
 * an OpenAPI document whose strings hold script, rendered inert), an app of a client the developer holds, proved by
 * its secret (a wrong one refused in the IdP's words). Refusals: another developer's app by URL is 404; repeated
 * failed sign-ins are 429 in the browser; a form posted from a page on another port of 127.0.0.1 with the victim's
 * cookies is refused. axe-core on every page; no console
 * error, CSP violation, dialog or request leaving loopback anywhere.
 *
 * Binds the stack's fixed ports: run it under `flock /tmp/e2e.lock`, after `npm run build`.
 */
import axios from 'axios';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Locator, Page, Response } from 'playwright-core';
import { isFree } from '../../devstack/stack/ports';
import { expectAccessible, launchChromium, openWatchedPage, type WatchedPage } from '../support/browser';
import { startStack, type StartedStack } from '../support/npm-start';

const PORTAL = 'http://127.0.0.1:8081';
const CONSOLE = 'http://127.0.0.1:8080/admin';
const ISSUER = 'http://127.0.0.1:9000/oauth2/default';
const STACK_PORTS = [9000, 8080, 8081, 8000, 9100];
/** The plugin caches the sidecar's answer for an application this long (kong.yml's sidecar_cache_ttl, 5 s). */
const SIDECAR_CACHE_MS = 6000;

const gateway = axios.create({ baseURL: 'http://127.0.0.1:8000', proxy: false, validateStatus: () => true });
const okta = axios.create({ baseURL: ISSUER, proxy: false, validateStatus: () => true });
/** `text` matched literally inside a regular expression. */
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Markup in every name a developer types. Shown as HTML anywhere, it would fetch /x (an asset error) and run an
 * inline handler (refused by the CSP: a securitypolicyviolation): the harness fails the test on either.
 */
const XSS = `<img src=x onerror="alert(1)">"'`;
const DEVELOPER = { fullName: `Pat ${XSS} Dev`, email: `pat-${process.pid}@example.com`, password: 'pat-journey-password' };
const APP = { name: `weather ${XSS}`, description: `Forecasts <script>alert(2)</script> & <b>alerts</b>` };
const SELF_MANAGED = 'Bring your own Okta client';
/** Script in the strings of an OpenAPI document the admin publishes. */
const SPEC_XSS = `<img src=x onerror="alert(3)"><script>alert(4)</script>`;
const HOSTILE_SPEC = JSON.stringify({
  openapi: '3.0.3',
  info: { title: `Demo ${SPEC_XSS}`, version: '1.0.0', description: `The echo service ${SPEC_XSS}` },
  paths: { '/hello': { get: { summary: `Say hello ${SPEC_XSS}`, responses: { '200': { description: `What it received ${SPEC_XSS}` } } } } },
});
const STRANGER = { fullName: 'Sam Stranger', email: `sam-${process.pid}@example.com`, password: 'sam-stranger-password' };

/** A client_credentials token from the local Okta, or the status it refused with. */
async function accessToken(clientId: string, clientSecret: string): Promise<{ status: number; token?: string }> {
  const response = await okta.post('/v1/token', 'grant_type=client_credentials&scope=api:read', {
    auth: { username: clientId, password: clientSecret },
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  return { status: response.status, token: response.data?.access_token };
}

const callWithBearer = async (token: string) => (await gateway.get('/demo/hello', { headers: { authorization: `Bearer ${token}` } })).status;
/** The guide's literal form: `Basic CLIENT_ID:CLIENT_SECRET`, not base64. */
const callWithLiteralBasic = async (clientId: string, clientSecret: string) =>
  (await gateway.get('/demo/hello', { headers: { authorization: `Basic ${clientId}:${clientSecret}` } })).status;

/** A page on another port of 127.0.0.1 whose form posts to the portal: same site for the browser, another origin. */
function startAttackerPage(): Promise<{ url: string; close(): Promise<void> }> {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Win a prize</title></head><body><main>
<h1>Win a prize</h1>
<form method="post" action="${PORTAL}/apps">
<input type="hidden" name="name" value="planted-by-attacker">
<input type="hidden" name="auth_strategy_id" value="00000000-0000-4000-8000-000000000000">
<input type="hidden" name="idempotency_key" value="00000000-0000-4000-8000-000000000001">
<button type="submit">Claim</button>
</form></main></body></html>`;
  const server = http.createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end(html));
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
        close: () => new Promise((done) => server.close(() => done())),
      }),
    ),
  );
}

describe('the portal journey in a browser, through npm start', () => {
  let dataDir: string;
  let stack: StartedStack | undefined;
  let browser: Browser;
  let dev: WatchedPage;
  let admin: WatchedPage;
  const credentials = { clientId: '', clientSecret: '' };
  let appUrl = '';

  /**
   * Clicks a button or link and waits until the page it leads to has loaded (past any redirect): the response the
   * click itself got (a 303 for a form that redirects).
   */
  const submit = async (page: Page, target: Locator): Promise<Response> => {
    const response = page.waitForResponse((r) => r.request().isNavigationRequest() && r.frame() === page.mainFrame());
    const loaded = page.waitForEvent('load');
    await target.click();
    await loaded;
    return response;
  };
  const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();
  const signUpOnPortal = async (watched: WatchedPage, who: typeof DEVELOPER) => {
    const { page } = watched;
    await page.goto(`${PORTAL}/`);
    await expectAccessible(watched);
    await submit(page, page.getByRole('link', { name: 'Sign up' }).first());
    await expectAccessible(watched);
    await page.getByLabel('Full name').fill(who.fullName);
    await page.getByLabel('Email').fill(who.email);
    await page.getByLabel('Password').fill(who.password);
    expect((await submit(page, page.getByRole('button', { name: 'Sign up' }))).status()).toBe(200);
    await expectAccessible(watched);
  };
  const signInToPortal = async (watched: WatchedPage, who = DEVELOPER) => {
    await watched.page.goto(`${PORTAL}/login`);
    await watched.page.getByLabel('Email').fill(who.email);
    await watched.page.getByLabel('Password').fill(who.password);
    const response = await submit(watched.page, watched.page.getByRole('button', { name: 'Sign in' }));
    expect(response.status()).toBe(303);
    await watched.page.waitForURL(`${PORTAL}/apps`);
  };
  /** The admin decides in the console: the row's button named for what it does, and its confirmation when it has one. */
  const consoleAction = async (page: string, label: string, confirmation?: string) => {
    await admin.page.goto(`${CONSOLE}/${page}`);
    await expectAccessible(admin);
    await submit(admin.page, admin.page.getByRole('button', { name: label }));
    if (confirmation) {
      await expectAccessible(admin);
      await submit(admin.page, admin.page.getByRole('button', { name: confirmation, exact: true }));
    }
    await expectAccessible(admin);
  };

  beforeAll(async () => {
    for (const port of STACK_PORTS) {
      if (!(await isFree(port, '127.0.0.1'))) throw new Error(`port ${port} is taken: stop a running \`npm start\` before the tests`);
    }
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'journey-'));
    const env: NodeJS.ProcessEnv = { ...process.env, SIDECAR_DATA_DIR: dataDir };
    delete env.OKTA_ISSUER;
    delete env.OKTA_API_TOKEN;
    stack = await startStack(env);
    browser = await launchChromium();
    dev = await openWatchedPage(browser);
    admin = await openWatchedPage(browser);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (stack) await stack.interrupt();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  afterEach(() => {
    dev.expectClean();
    admin.expectClean();
  });

  it('signs up and signs in on the portal pages', async () => {
    const { page } = dev;
    await signUpOnPortal(dev, DEVELOPER);
    await signInToPortal(dev);
    expect(await heading(page)).toBe('My Apps');
    await expect(page.getByText(DEVELOPER.fullName, { exact: true }).count()).resolves.toBe(1);
    await expectAccessible(dev);
  });

  it('creates an application: New App, Create, the Client ID and Client Secret once, Proceed', async () => {
    const { page } = dev;
    await submit(page, page.getByRole('link', { name: 'New App' }).first());
    expect(await heading(page)).toBe('Create New Application');
    await expectAccessible(dev);
    await page.getByLabel('Name').fill(APP.name);
    await page.getByLabel('Description').fill(APP.description);
    await page.getByLabel('Auth strategy').selectOption({ label: 'Local Okta client credentials' });
    const created = await submit(page, page.getByRole('button', { name: 'Create' }));
    expect(created.status()).toBe(200);
    expect(created.headers()['cache-control']).toBe('no-store');
    credentials.clientId = ((await page.locator('#client-id').textContent()) ?? '').trim();
    credentials.clientSecret = ((await page.locator('#client-secret').textContent()) ?? '').trim();
    expect(credentials.clientId).toMatch(/^0oa/);
    expect(credentials.clientSecret.length).toBeGreaterThan(20);
    await expect(page.locator('#command-basic').textContent()).resolves.toContain(`Authorization: Basic ${credentials.clientId}:${credentials.clientSecret}`);
    await expectAccessible(dev);

    await submit(page, page.getByRole('link', { name: 'Proceed' }));
    appUrl = page.url();
    expect(appUrl).toMatch(/\/apps\/[0-9a-f-]{36}$/);
    expect(await heading(page)).toBe(APP.name);
    const details = await page.content();
    expect(details).toContain(credentials.clientId);
    expect(details).not.toContain(credentials.clientSecret);
    await expectAccessible(dev);
    await page.reload();
    expect(await page.content()).not.toContain(credentials.clientSecret);
    // Back to the page that showed it: it removed the secret from its DOM as it was left.
    await page.goBack();
    expect(await page.content()).not.toContain(credentials.clientSecret);
    // Reloading it sends the Create form again: the same application, said to be created, without its secret.
    const resubmitted = await page.reload();
    expect(resubmitted?.request().method()).toBe('POST');
    await expect(page.getByRole('status').textContent()).resolves.toMatch(/its secret was shown once/);
    expect(await page.content()).not.toContain(credentials.clientSecret);
    await expect(page.locator('main').textContent()).resolves.toContain(credentials.clientId);
    await expectAccessible(dev);
    await page.goto(appUrl);
  });

  it('refuses the application at the gateway before it is registered (403)', async () => {
    const { status, token } = await accessToken(credentials.clientId, credentials.clientSecret);
    expect(status).toBe(200);
    expect(await callWithBearer(token as string)).toBe(403);
  });

  it('requests access to demo with Use this API, pending until approved: still 403', async () => {
    const { page } = dev;
    await page.goto(`${PORTAL}/apis`);
    await expectAccessible(dev);
    await submit(page, page.getByRole('link', { name: 'demo', exact: true }));
    expect(await heading(page)).toBe('demo');
    await expectAccessible(dev);
    await submit(page, page.getByRole('link', { name: 'Use this API' }));
    await expectAccessible(dev);
    await page.getByRole('radio', { name: APP.name }).check();
    await submit(page, page.getByRole('button', { name: 'Request access' }));
    await expect(page.getByRole('status').textContent()).resolves.toMatch(/is\s+pending/);
    await expectAccessible(dev);
    await sleep(SIDECAR_CACHE_MS);
    const { token } = await accessToken(credentials.clientId, credentials.clientSecret);
    expect(await callWithBearer(token as string)).toBe(403);
  });

  it('lets the admin sign in to the console with the admin token and approve the request', async () => {
    const { page } = admin;
    const secrets = JSON.parse(fs.readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')) as { SIDECAR_ADMIN_TOKEN: string };
    await page.goto(`${CONSOLE}/`);
    await expectAccessible(admin);
    await page.getByLabel('Admin token').fill(secrets.SIDECAR_ADMIN_TOKEN);
    await submit(page, page.getByRole('button', { name: 'Sign in' }));
    expect(await page.content()).not.toContain(secrets.SIDECAR_ADMIN_TOKEN);
    await expectAccessible(admin);
    await consoleAction('registrations', `Approve ${APP.name} on demo`);
    await expect(page.getByRole('cell', { name: 'approved' }).count()).resolves.toBe(1);
  });

  it('lets the credentials through the gateway once approved: a Bearer token, and the literal Basic CLIENT_ID:CLIENT_SECRET', async () => {
    await sleep(SIDECAR_CACHE_MS);
    const { token } = await accessToken(credentials.clientId, credentials.clientSecret);
    expect(await callWithBearer(token as string)).toBe(200);
    expect(await callWithLiteralBasic(credentials.clientId, credentials.clientSecret)).toBe(200);
  });

  it('refreshes the secret on the details page, after its confirmation: the new one works', async () => {
    const { page } = dev;
    await page.goto(appUrl);
    await submit(page, page.getByRole('button', { name: 'Refresh secret' }));
    await expectAccessible(dev);
    const refreshed = await submit(page, page.getByRole('button', { name: 'Refresh secret' }));
    expect(refreshed.headers()['cache-control']).toBe('no-store');
    const secret = ((await page.locator('#client-secret').textContent()) ?? '').trim();
    expect(secret).not.toBe(credentials.clientSecret);
    expect(secret.length).toBeGreaterThan(20);
    await expectAccessible(dev);
    credentials.clientSecret = secret;
    expect(await callWithLiteralBasic(credentials.clientId, credentials.clientSecret)).toBe(200);
    const { token } = await accessToken(credentials.clientId, credentials.clientSecret);
    expect(await callWithBearer(token as string)).toBe(200);
  });

  it('refuses a suspended developer at the gateway, and lets them through again once reinstated', async () => {
    const { token } = await accessToken(credentials.clientId, credentials.clientSecret);
    await consoleAction('developers', `Suspend ${DEVELOPER.fullName}`, 'Suspend');
    await sleep(SIDECAR_CACHE_MS);
    expect(await callWithBearer(token as string)).toBe(403);
    // Suspension ended the developer's sessions: the portal asks them to sign in.
    await dev.page.goto(appUrl);
    await dev.page.waitForURL(`${PORTAL}/login`);

    await consoleAction('developers', `Reinstate ${DEVELOPER.fullName}`);
    await sleep(SIDECAR_CACHE_MS);
    expect(await callWithBearer(token as string)).toBe(200);
    await signInToPortal(dev);
  });

  it("shows another developer's application as unknown (404), by its URL", async () => {
    const stranger = await openWatchedPage(browser);
    await signUpOnPortal(stranger, STRANGER);
    await signInToPortal(stranger, STRANGER);
    expect((await stranger.page.goto(appUrl))?.status()).toBe(404);
    expect(await stranger.page.content()).not.toContain(credentials.clientId);
    await expectAccessible(stranger);
    await stranger.close();
  });

  it("shows the developer, the application and what happened to them in the console, every name as text", async () => {
    for (const [page, name] of [['applications', 'Applications'], ['developers', 'Developers'], ['audit', 'Audit log']] as const) {
      await admin.page.goto(`${CONSOLE}/${page}`);
      expect(await heading(admin.page)).toBe(name);
      await expectAccessible(admin);
    }
    await admin.page.goto(`${CONSOLE}/applications`);
    await expect(admin.page.getByRole('row', { name: new RegExp(`^${escape(APP.name)}`) }).count()).resolves.toBe(1);
    await expect(admin.page.getByText(APP.description).count()).resolves.toBe(1);
    await expect(admin.page.getByText(DEVELOPER.fullName).count()).resolves.toBe(1);
    await expect(admin.page.locator('main img, main script').count()).resolves.toBe(0);
  });

  it('refuses a form posted from a page on another port of 127.0.0.1 with the signed-in victim\'s cookies', async () => {
    const attacker = await startAttackerPage();
    try {
      await dev.page.goto(attacker.url);
      const refused = await submit(dev.page, dev.page.getByRole('button', { name: 'Claim' }));
      expect(refused.status()).toBe(403);
      await expect(dev.page.locator('main').textContent()).resolves.toContain(`requests from origin ${new URL(attacker.url).origin} are not accepted`);
      await dev.page.goto(`${PORTAL}/apps`);
      await expect(dev.page.getByText('planted-by-attacker').count()).resolves.toBe(0);
    } finally {
      await attacker.close();
    }
  });

  it('deletes the application after its confirmation: then the gateway and the local Okta refuse its credentials', async () => {
    const { page } = dev;
    const { token } = await accessToken(credentials.clientId, credentials.clientSecret);
    await page.goto(appUrl);
    await submit(page, page.getByRole('button', { name: 'Delete', exact: true }));
    expect(await heading(page)).toBe('Delete application?');
    await expectAccessible(dev);
    await submit(page, page.getByRole('button', { name: 'Delete', exact: true }));
    await page.waitForURL(/\/apps\?done=deleted$/);
    await expect(page.getByText(APP.name).count()).resolves.toBe(0);
    await expectAccessible(dev);
    await sleep(SIDECAR_CACHE_MS);
    expect(await callWithBearer(token as string)).toBe(403);
    expect(await callWithLiteralBasic(credentials.clientId, credentials.clientSecret)).toBe(403);
    expect((await accessToken(credentials.clientId, credentials.clientSecret)).status).toBe(401);
  });

  it('takes a self-managed application with its proof once demo is published with such a strategy, and renders an OpenAPI document with script inert', async () => {
    // The admin, in the console: an auth strategy without a DCR provider, and demo published with it.
    const { page } = admin;
    await page.goto(`${CONSOLE}/auth-strategies/new`);
    await expectAccessible(admin);
    await page.getByLabel('Name', { exact: true }).fill('journey-self-managed');
    await page.getByLabel('Display name').fill(SELF_MANAGED);
    await page.getByLabel('Issuer').fill(ISSUER);
    await page.getByLabel('Scopes').fill('api:read');
    await page.getByLabel('Credential claim').fill('client_id');
    await page.getByLabel('Auth methods').fill('client_credentials bearer');
    await page.getByLabel('DCR provider').selectOption({ label: 'None (self-managed clients)' });
    await submit(page, page.getByRole('button', { name: 'Create' }));
    await expectAccessible(admin);
    await page.goto(`${CONSOLE}/apis`);
    await submit(page, page.getByRole('link', { name: 'Edit demo' }));
    await expectAccessible(admin);
    await page.getByLabel('Auth strategy').selectOption({ label: SELF_MANAGED });
    await page.getByLabel('Auto-approve registrations').selectOption({ label: 'No: an admin approves each' });
    await page.getByLabel('OpenAPI document').fill(HOSTILE_SPEC);
    await submit(page, page.getByRole('button', { name: 'Save' }));
    await expectAccessible(admin);

    // The developer's reference page of demo: every string of the document as text.
    await dev.page.goto(`${PORTAL}/apis`);
    await submit(dev.page, dev.page.getByRole('link', { name: 'demo', exact: true }));
    await expect(dev.page.locator('main').textContent()).resolves.toContain(`Say hello ${SPEC_XSS}`);
    await expect(dev.page.locator('main img, main script').count()).resolves.toBe(0);
    await expectAccessible(dev);

    // A client the developer holds at the IdP, registered there by themselves.
    const secrets = JSON.parse(fs.readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')) as { OKTA_EMULATOR_API_TOKEN: string };
    const own = await axios.post(
      'http://127.0.0.1:9000/oauth2/v1/clients',
      { client_name: 'my-own-client', application_type: 'service', grant_types: ['client_credentials'], response_types: ['token'], token_endpoint_auth_method: 'client_secret_basic' },
      { headers: { authorization: `SSWS ${secrets.OKTA_EMULATOR_API_TOKEN}` }, proxy: false },
    );
    const ownClient = own.data as { client_id: string; client_secret: string };

    await dev.page.goto(`${PORTAL}/apps/new`);
    await dev.page.getByLabel('Name').fill('own-client-app');
    await dev.page.getByLabel('Auth strategy').selectOption({ label: `${SELF_MANAGED} (bring your own client)` });
    await dev.page.getByLabel('Client ID').fill(ownClient.client_id);
    await dev.page.getByLabel('Client Secret').fill('not-its-secret');
    const refused = await submit(dev.page, dev.page.getByRole('button', { name: 'Create' }));
    expect(refused.status()).toBe(400);
    // The form again, the IdP's refusal beside the secret, which is not filled in again.
    await expect(dev.page.locator('#field-client_secret-error').textContent()).resolves.toBe('the issuer refused these client credentials (invalid_client)');
    await expect(dev.page.getByLabel('Client Secret').inputValue()).resolves.toBe('');
    await expectAccessible(dev);
    await dev.page.getByLabel('Client ID').fill(ownClient.client_id);
    await dev.page.getByLabel('Client Secret').fill(ownClient.client_secret);
    expect((await submit(dev.page, dev.page.getByRole('button', { name: 'Create' }))).status()).toBe(200);
    expect(await dev.page.content()).not.toContain(ownClient.client_secret);
    await expectAccessible(dev);
    await submit(dev.page, dev.page.getByRole('link', { name: 'Proceed' }));
    await expect(dev.page.locator('main').textContent()).resolves.toContain(ownClient.client_id);

    await dev.page.goto(`${PORTAL}/apis`);
    await submit(dev.page, dev.page.getByRole('link', { name: 'demo', exact: true }));
    await submit(dev.page, dev.page.getByRole('link', { name: 'Use this API' }));
    await dev.page.getByRole('radio', { name: 'own-client-app' }).check();
    await submit(dev.page, dev.page.getByRole('button', { name: 'Request access' }));
    await consoleAction('registrations', 'Approve own-client-app on demo');
    await sleep(SIDECAR_CACHE_MS);
    const { token } = await accessToken(ownClient.client_id, ownClient.client_secret);
    expect(await callWithBearer(token as string)).toBe(200);
  });

  it('answers repeated failed sign-ins with 429 in the browser', async () => {
    const stranger = await openWatchedPage(browser);
    const statuses: number[] = [];
    // From the second failure each attempt must wait 1 s, 2 s...: a third attempt sooner is 429. A loaded machine
    // can take longer than that between two attempts, so go on to the fifth failure, after which 429 is certain.
    while (statuses.at(-1) !== 429 && statuses.length < 6) {
      await stranger.page.goto(`${PORTAL}/login`);
      await stranger.page.getByLabel('Email').fill(DEVELOPER.email);
      await stranger.page.getByLabel('Password').fill('not the password at all');
      statuses.push((await submit(stranger.page, stranger.page.getByRole('button', { name: 'Sign in' }))).status());
    }
    expect(statuses.slice(0, 2)).toEqual([401, 401]);
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.slice(0, -1).every((status) => status === 401)).toBe(true);
    await expect(stranger.page.getByRole('alert').textContent()).resolves.toMatch(/try again later/i);
    await expectAccessible(stranger);
    await stranger.close();
  });
});
