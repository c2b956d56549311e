import { hashToken } from '../../sidecar/crypto/tokens';
import { accountService } from '../../sidecar/domain/accounts';
import { PORTAL_ID } from '../../sidecar/domain/portal';
import { type TestPortal, TEST_PORTAL_URL, cookiesOf, startTestPortal } from '../support/portal-app';
import { authenticate, me, signedIn } from '../support/portal-journey';
import { testDatabases } from '../support/sidecar-databases';

describe.each(testDatabases)('portal sessions, CSRF and listener on %s', (_name, createDatabase) => {
  const frontEnd = 'https://portal-ui.example.com';
  let t: TestPortal;
  beforeAll(async () => {
    t = await startTestPortal(createDatabase, { portal: { allowedOrigins: [frontEnd] } });
  });
  afterAll(() => t?.close());

  it('returns 204 with a host-only, HttpOnly, SameSite=Lax portal_session cookie holding 256 random bits, stored only as its SHA-256', async () => {
    const { email } = await signedIn(t);
    const response = await authenticate(t, email);
    const header = String(response.headers['set-cookie']);
    expect(header).toMatch(/^portal_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    const id = response.cookies[0]!.value;
    expect(await t.sidecar.store.sessions.find(hashToken(id), 'portal')).toBeDefined();
    expect(await t.sidecar.database.rawContents()).not.toContain(id);
  });

  it('issues a new session id at every sign-in, so a planted id signs no one in', async () => {
    const { email, cookie } = await signedIn(t);
    const again = cookiesOf(await authenticate(t, email));
    expect(again).not.toBe(cookie);
    const planted = `portal_session=${'A'.repeat(43)}`;
    expect((await me(t, planted)).statusCode).toBe(401);
  });

  it('returns 401 for a portal session id under the console cookie name, and for a console session under the portal name', async () => {
    const { id, cookie } = await signedIn(t);
    expect((await me(t, cookie.replace('portal_session', 'console_session'))).statusCode).toBe(401);
    const consoleSession = await accountService(t.sidecar.store, t.sidecar.options.accounts).sessions.start(id, 'console');
    expect((await me(t, `portal_session=${consoleSession.id}`)).statusCode).toBe(401);
  });

  it('returns 204 to logout (a POST with an empty form-encoded body, as Kong\'s SDK sends it) and the cookie signs no one in from then on', async () => {
    const { cookie } = await signedIn(t);
    const response = await t.call({
      method: 'POST',
      url: '/api/v2/developer/logout',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: '',
    });
    expect(response.statusCode).toBe(204);
    expect(String(response.headers['set-cookie'])).toMatch(/^portal_session=; .*Expires=Thu, 01 Jan 1970/);
    expect((await me(t, cookie)).statusCode).toBe(401);
  });

  it('returns 204 to refresh with a new session id, and the old one signs no one in', async () => {
    const { cookie } = await signedIn(t);
    const refreshed = await t.call({ method: 'POST', url: '/api/v2/developer/refresh', headers: { cookie } });
    expect(refreshed.statusCode).toBe(204);
    expect((await me(t, cookie)).statusCode).toBe(401);
    expect((await me(t, cookiesOf(refreshed))).statusCode).toBe(200);
    expect((await t.call({ method: 'POST', url: '/api/v2/developer/refresh', headers: { cookie } })).statusCode).toBe(401);
  });

  it('refuses a text/plain or form-encoded POST with a body (415) from any origin or none, changing nothing', async () => {
    const { id, cookie } = await signedIn(t);
    const before = await t.sidecar.store.developers.get(id);
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      for (const origin of [undefined, TEST_PORTAL_URL, 'http://127.0.0.1:8000']) {
        const response = await t.call({
          method: 'POST',
          url: '/api/v2/developer/me/token',
          headers: { cookie, 'content-type': contentType, ...(origin && { origin }) },
          payload: '{"a":1}',
        });
        expect([403, 415]).toContain(response.statusCode);
        if (origin !== 'http://127.0.0.1:8000') expect(response.statusCode).toBe(415);
      }
    }
    expect((await t.sidecar.store.developers.get(id))?.token_created_at).toBe(before?.token_created_at);
  });

  it('returns 403 to a JSON POST from a foreign origin (another port of the same host included), changing nothing', async () => {
    const { id, cookie } = await signedIn(t);
    for (const origin of ['http://portal.test:8000', 'https://portal.test:8081', 'https://evil.example']) {
      const response = await t.call({ method: 'POST', url: '/api/v2/developer/me/token', headers: { cookie, origin } });
      expect(response.statusCode).toBe(403);
    }
    expect((await t.sidecar.store.developers.get(id))?.token_created_at).toBeNull();
    expect((await t.call({ method: 'POST', url: '/api/v2/developer/me/token', headers: { cookie, origin: TEST_PORTAL_URL } })).statusCode).toBe(201);
  });

  it('answers credentialed CORS to an allowed front end only', async () => {
    const preflight = (origin: string) =>
      t.call({ method: 'OPTIONS', url: '/api/v2/developer/authenticate', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    const allowed = await preflight(frontEnd);
    expect(allowed.headers['access-control-allow-origin']).toBe(frontEnd);
    expect(allowed.headers['access-control-allow-credentials']).toBe('true');
    expect((await preflight('https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
    const { cookie } = await signedIn(t);
    const read = await t.call({ url: '/api/v2/developer/me', headers: { cookie, origin: frontEnd } });
    expect(read.statusCode).toBe(200);
    expect(read.headers['access-control-allow-origin']).toBe(frontEnd);
  });

  it('returns 200 with the portal context of a private portal', async () => {
    const response = await t.call({ url: '/api/v2/portal' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ portal_id: PORTAL_ID, is_public: false, basic_auth_enabled: true, oidc_auth_enabled: false, canonical_domain: 'portal.test:8081' });
  });

  it.each([
    ['GET', '/v2/developers'],
    ['POST', '/v2/developers'],
    ['GET', '/v2/applications'],
    ['GET', '/v2/dcr-providers'],
    ['GET', '/v2/application-auth-strategies'],
    ['GET', '/v2/services'],
    ['GET', '/v2/reconcile'],
    ['GET', '/v2/internal/applications/by-client-id/abc'],
    ['PATCH', `/v3/portals/${PORTAL_ID}/developers/5b3a2c1d-7e4f-4a8b-9c0d-1e2f3a4b5c6d`],
    ['GET', '/v2/audit-events'],
    ['GET', '/v2/registrations'],
    ['GET', '/v3/apis'],
    ['POST', '/v3/apis'],
    ['GET', `/v3/apis/5b3a2c1d-7e4f-4a8b-9c0d-1e2f3a4b5c6d/publications/${PORTAL_ID}`],
    ['GET', '/v3/portals'],
    ['GET', `/v3/portals/${PORTAL_ID}/application-registrations`],
    ['GET', '/docs'],
    ['GET', '/docs/json'],
    ['GET', '/docs/yaml'],
    ['GET', '/docs/static/index.html'],
    ['GET', '/docs/portal/json'],
    ['GET', '/metrics'],
    ['GET', '/healthz'],
    ['GET', '/readyz'],
  ])('returns 404 on the portal listener for %s %s, even with the admin token', async (method, url) => {
    const response = await t.call({ method: method as 'GET', url, headers: { authorization: `Bearer ${t.sidecar.adminToken}` } });
    expect(response.statusCode).toBe(404);
  });

  it('returns 404 on the sidecar listener for the portal API, and the portal cookie opens no admin or developer route there', async () => {
    const { cookie } = await signedIn(t);
    expect((await t.sidecar.app.inject({ url: '/api/v2/developer/me', headers: { cookie } })).statusCode).toBe(404);
    for (const url of ['/api/v2/portal', '/api/v2/products', '/api/v2/search/product-catalog', '/api/v2/applications/auth-strategies']) {
      const response = await t.sidecar.app.inject({ url, headers: { cookie } });
      expect({ url, status: response.statusCode, detail: response.json().detail }).toEqual({ url, status: 404, detail: `no route for GET ${url}` });
    }
    expect((await t.sidecar.app.inject({ url: '/v2/applications', headers: { cookie } })).statusCode).toBe(401);
  });
});

describe.each(testDatabases)('portal sessions over https on %s', (_name, createDatabase) => {
  let t: TestPortal;
  beforeAll(async () => {
    t = await startTestPortal(createDatabase, { settings: { portalUrl: 'https://portal.test' } });
  });
  afterAll(() => t?.close());

  it('returns 204 with a Secure __Host-portal_session cookie, and only that name is read', async () => {
    const { email, cookie } = await signedIn(t);
    const header = String((await authenticate(t, email)).headers['set-cookie']);
    expect(header).toMatch(/^__Host-portal_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    expect((await me(t, cookie)).statusCode).toBe(200);
    expect((await me(t, cookie.replace('__Host-', ''))).statusCode).toBe(401);
  });
});

describe.each(testDatabases)('portal session timeouts on %s', (_name, createDatabase) => {
  let t: TestPortal;
  beforeAll(async () => {
    t = await startTestPortal(createDatabase, { settings: { session: { idleMs: 400, absoluteMs: 1_200 } } });
  });
  afterAll(() => t?.close());
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('returns 401 once a session has been idle longer than the idle timeout', async () => {
    const { cookie } = await signedIn(t);
    expect((await me(t, cookie)).statusCode).toBe(200);
    await sleep(500);
    expect((await me(t, cookie)).statusCode).toBe(401);
  });

  it('purges timed-out sessions in the background pass without their ever being presented again', async () => {
    const { cookie } = await signedIn(t);
    const idHash = hashToken(cookie.split('=')[1]!);
    await sleep(500);
    expect(await t.sidecar.store.sessions.find(idHash, 'portal')).toBeDefined();
    await accountService(t.sidecar.store, t.sidecar.options.accounts).purgeExpired();
    expect(await t.sidecar.store.sessions.find(idHash, 'portal')).toBeUndefined();
  });

  it('returns 401 once a session in constant use passes the absolute timeout', async () => {
    const { cookie } = await signedIn(t);
    const started = Date.now();
    while (Date.now() - started < 1_000) {
      expect((await me(t, cookie)).statusCode).toBe(200);
      await sleep(150);
    }
    await sleep(300);
    expect((await me(t, cookie)).statusCode).toBe(401);
  });
});
