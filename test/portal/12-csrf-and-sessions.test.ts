import type { LightMyRequestResponse } from 'fastify';
import { hashToken } from '../../sidecar/crypto/tokens';
import { PORTAL_ID } from '../../sidecar/domain/portal';
import { type TestPortal, TEST_PORTAL_URL, cookiesOf, startTestPortal } from '../support/portal-app';
import { PASSWORD, authenticate, me, newEmail, setStatus, signedIn } from '../support/portal-journey';
import { testDatabases } from '../support/sidecar-databases';
import { selfManagedStrategy } from '../support/sidecar-fixtures';

/** The gateway's port on the portal's host: a page there is same-site with the portal, but not same-origin. */
const OTHER_PORT = 'http://portal.test:8000';
const NEW_PASSWORD = 'another horse battery staple';

/**
 * What a page of another origin (another port of this host above all) can make a browser send with the
 * victim's portal cookie, and cookies planted for this host: none of it changes anything or signs anyone in.
 */
describe.each(testDatabases)('portal CSRF, planted cookies and session fixation on %s', (_name, createDatabase) => {
  let t: TestPortal;
  beforeAll(async () => {
    t = await startTestPortal(createDatabase);
  });
  afterAll(() => t?.close());

  const post = (url: string, headers: Record<string, string>, payload?: string) =>
    t.call({ method: 'POST', url, headers, ...(payload !== undefined && { payload }) });
  /** What a CSRF attempt must leave as it was: the developer's row, password and sessions. */
  const stateOf = async (id: string, cookie: string) => ({
    developer: await t.sidecar.store.developers.get(id),
    passwordHash: await t.sidecar.store.developers.passwordHash(id),
    signedIn: (await me(t, cookie)).statusCode,
  });

  it("refuses a cross-port form POST (with or without fields, Origin of another port or null) carrying the victim's cookie, changing nothing", async () => {
    const { id, cookie } = await signedIn(t);
    const before = await stateOf(id, cookie);
    const form = 'application/x-www-form-urlencoded';
    const attempts: [string, string | undefined][] = [
      ['/api/v2/developer/me/token', ''],
      ['/api/v2/developer/me/token', undefined],
      ['/api/v2/developer/me/password', `current_password=${encodeURIComponent(PASSWORD)}&new_password=${encodeURIComponent(NEW_PASSWORD)}`],
      ['/api/v2/developer/refresh', ''],
      ['/api/v2/developer/logout', ''],
    ];
    for (const origin of [OTHER_PORT, 'null']) {
      for (const [url, body] of attempts) {
        const response = await post(url, { cookie, origin, 'content-type': form }, body);
        expect([url, response.statusCode]).toEqual([url, 403]);
        expect(response.headers['set-cookie']).toBeUndefined();
        expect(response.json()).toMatchObject({ status: 403, instance: url });
      }
    }
    expect(await stateOf(id, cookie)).toEqual(before);
  });

  it("refuses text/plain and form-encoded POSTs with a body to every state-changing /api/v2 call, from any origin or none, with the victim's cookie", async () => {
    const { id, email, cookie } = await signedIn(t);
    const before = await stateOf(id, cookie);
    const bodies: Record<string, string> = {
      '/api/v2/developer/me/password': JSON.stringify({ current_password: PASSWORD, new_password: NEW_PASSWORD }),
      '/api/v2/developer/me/token': '{}',
      '/api/v2/developer/refresh': '{}',
      '/api/v2/developer/logout': '{}',
      // Login CSRF: signing the victim's browser in to the attacker's account.
      '/api/v2/developer/authenticate': JSON.stringify({ username: email, password: PASSWORD }),
    };
    for (const contentType of ['text/plain', 'text/plain; charset=utf-8', 'application/x-www-form-urlencoded']) {
      for (const origin of [undefined, TEST_PORTAL_URL, OTHER_PORT, 'https://evil.example']) {
        for (const [url, body] of Object.entries(bodies)) {
          const response = await post(url, { cookie, 'content-type': contentType, ...(origin && { origin }) }, body);
          expect([url, contentType, origin, response.statusCode]).toEqual([url, contentType, origin, origin === TEST_PORTAL_URL || !origin ? 415 : 403]);
          expect(response.headers['set-cookie']).toBeUndefined();
        }
      }
    }
    expect(await stateOf(id, cookie)).toEqual(before);
  });

  it('returns 403 to a JSON POST from a foreign origin to every state-changing call, sign-in included, changing nothing', async () => {
    const { id, email, cookie } = await signedIn(t);
    const before = await stateOf(id, cookie);
    const json = { 'content-type': 'application/json' };
    for (const origin of [OTHER_PORT, 'https://portal.test:8081', 'http://portal.test', 'https://evil.example', 'null']) {
      for (const [url, body] of [
        ['/api/v2/developer/me/password', JSON.stringify({ current_password: PASSWORD, new_password: NEW_PASSWORD })],
        ['/api/v2/developer/authenticate', JSON.stringify({ username: email, password: PASSWORD })],
        ['/api/v2/developer', JSON.stringify({ email: newEmail('csrf'), full_name: 'Csrf', password: PASSWORD })],
        ['/api/v2/developer/forgot-password', JSON.stringify({ email })],
      ] as const) {
        const response = await post(url, { cookie, origin, ...json }, body);
        expect([url, origin, response.statusCode]).toEqual([url, origin, 403]);
        expect(response.headers['set-cookie']).toBeUndefined();
      }
      expect((await t.call({ method: 'DELETE', url: '/api/v2/developer/me/token', headers: { cookie, origin } })).statusCode).toBe(403);
    }
    expect(await stateOf(id, cookie)).toEqual(before);
  });

  it('signs no one in with a planted console_session or CSRF cookie, nor with a CSRF token header from a foreign origin', async () => {
    const { id, cookie } = await signedIn(t);
    const sessionId = cookie.split('=')[1]!;
    const { csrfToken } = (await t.sidecar.store.sessions.find(hashToken(sessionId), 'portal'))!;
    for (const planted of [
      `console_session=${sessionId}`,
      `console_session=${'B'.repeat(43)}`,
      `csrf_token=${csrfToken}`,
      `_csrf=${csrfToken}`,
      `XSRF-TOKEN=${csrfToken}`,
      `__Host-portal_session=${'C'.repeat(43)}`,
    ]) {
      expect([planted, (await me(t, planted)).statusCode]).toEqual([planted, 401]);
      const created = await post('/api/v2/developer/me/token', { cookie: planted, origin: TEST_PORTAL_URL });
      expect([planted, created.statusCode]).toEqual([planted, 401]);
    }
    const withToken = await post('/api/v2/developer/me/token', { cookie: `${cookie}; csrf_token=${csrfToken}`, origin: OTHER_PORT, 'x-csrf-token': csrfToken });
    expect(withToken.statusCode).toBe(403);
    expect((await t.sidecar.store.developers.get(id))?.token_created_at).toBeNull();
  });

  it('takes two portal_session cookies in one header (one planted by another port) as no session, in either order, and sign-out ends both', async () => {
    const victim = await signedIn(t);
    const attacker = await signedIn(t);
    for (const planted of [`portal_session=${'D'.repeat(43)}`, attacker.cookie]) {
      expect((await me(t, `${planted}; ${victim.cookie}`)).statusCode).toBe(401);
      expect((await me(t, `${victim.cookie}; ${planted}`)).statusCode).toBe(401);
      const token = await post('/api/v2/developer/me/token', { cookie: `${planted}; ${victim.cookie}`, origin: TEST_PORTAL_URL });
      expect(token.statusCode).toBe(401);
    }
    expect((await t.sidecar.store.developers.get(attacker.id))?.token_created_at).toBeNull();
    expect((await t.sidecar.store.developers.get(victim.id))?.token_created_at).toBeNull();
    // Each alone is still its own session.
    expect((await me(t, victim.cookie)).json().id).toBe(victim.id);
    const out = await post('/api/v2/developer/logout', { cookie: `${attacker.cookie}; ${victim.cookie}` });
    expect(out.statusCode).toBe(204);
    expect((await me(t, victim.cookie)).statusCode).toBe(401);
    expect((await me(t, attacker.cookie)).statusCode).toBe(401);
  });

  it('never adopts a pre-set cookie value as a session id: sign-in issues a new id, and the planted one stays no session', async () => {
    const { email, cookie: first } = await signedIn(t);
    const planted = 'E'.repeat(43);
    for (const presented of [`portal_session=${planted}`, first]) {
      const response = await authenticate(t, email, PASSWORD, { headers: { cookie: presented } });
      expect(response.statusCode).toBe(204);
      const issued = response.cookies.find((c) => c.name === 'portal_session')!.value;
      expect(issued).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(`portal_session=${issued}`).not.toBe(presented);
      expect((await me(t, `portal_session=${issued}`)).statusCode).toBe(200);
    }
    expect(await t.sidecar.store.sessions.find(hashToken(planted), 'portal')).toBeUndefined();
    expect((await me(t, `portal_session=${planted}`)).statusCode).toBe(401);
    // A refresh, too, continues under a new id only.
    const refreshed = await post('/api/v2/developer/refresh', { cookie: first });
    expect(refreshed.statusCode).toBe(204);
    expect(cookiesOf(refreshed)).not.toBe(first);
  });
});

describe.each(testDatabases)('portal mail limits through a trusted proxy on %s', (_name, createDatabase) => {
  let proxied: TestPortal;
  beforeAll(async () => {
    proxied = await startTestPortal(createDatabase, { settings: { mailsPerAddressPerHour: 2 }, portal: { trustedProxies: ['10.0.0.1'] } });
  });
  afterAll(() => proxied?.close());

  const signUp = (remoteAddress: string, forwarded: string) =>
    proxied.call({
      method: 'POST',
      url: '/api/v2/developer',
      payload: { email: newEmail('limit'), full_name: 'Limit', password: PASSWORD },
      remoteAddress,
      headers: { 'x-forwarded-for': forwarded },
    });
  const forgot = (remoteAddress: string, forwarded: string) =>
    proxied.call({ method: 'POST', url: '/api/v2/developer/forgot-password', payload: { email: newEmail('nobody') }, remoteAddress, headers: { 'x-forwarded-for': forwarded } });
  const statuses = async (calls: (() => Promise<LightMyRequestResponse>)[]) => {
    const seen: number[] = [];
    for (const call of calls) seen.push((await call()).statusCode);
    return seen;
  };

  it('counts sign-ups and reset mails by the X-Forwarded-For client behind the trusted proxy: each client its own budget', async () => {
    expect(await statuses([() => signUp('10.0.0.1', '198.51.100.10'), () => forgot('10.0.0.1', '198.51.100.10'), () => signUp('10.0.0.1', '198.51.100.10')])).toEqual([201, 200, 429]);
    expect((await signUp('10.0.0.1', '198.51.100.11')).statusCode).toBe(201);
    // The proxy appends the client it saw: the rightmost address is the one counted, not what the client claimed.
    expect((await signUp('10.0.0.1', '198.51.100.10, 198.51.100.12')).statusCode).toBe(201);
  });

  it('counts an untrusted peer by its socket address, whatever X-Forwarded-For it spoofs', async () => {
    const spoofs = [1, 2, 3].map((i) => () => signUp('203.0.113.20', `198.51.100.${200 + i}`));
    expect(await statuses(spoofs)).toEqual([201, 201, 429]);
    expect((await forgot('203.0.113.20', '198.51.100.250')).statusCode).toBe(429);
  });
});

describe.each(testDatabases)('IDOR on developers and audit entries through /api/v2 and /v2 on %s', (_name, createDatabase) => {
  let t: TestPortal;
  let alice: { id: string; email: string; cookie: string };
  let bob: { id: string; cookie: string; token: string };
  let aliceApp: string;
  let bobApp: string;
  beforeAll(async () => {
    t = await startTestPortal(createDatabase);
    alice = await signedIn(t);
    const bobSession = await signedIn(t);
    const token = (await post(bobSession.cookie, '/api/v2/developer/me/token')).json().token as string;
    bob = { ...bobSession, token };
    const strategyId = await selfManagedStrategy(t.sidecar, 'https://idp.example.com');
    const claim = (developerId: string, clientId: string) =>
      t.sidecar.admin({ method: 'POST', url: `/v2/developers/${developerId}/applications`, payload: { name: 'idor', auth_strategy_id: strategyId, client_id: clientId } });
    aliceApp = (await claim(alice.id, `idor-alice-${process.pid}`)).json().id;
    bobApp = (await claim(bob.id, `idor-bob-${process.pid}`)).json().id;
  });
  afterAll(() => t?.close());

  function post(cookie: string, url: string) {
    return t.call({ method: 'POST', url, headers: { cookie, origin: TEST_PORTAL_URL } });
  }
  const asBob = (method: 'GET' | 'DELETE' | 'PATCH' | 'POST', url: string, payload?: object) =>
    t.sidecar.app.inject({ method, url, headers: { authorization: `Bearer ${bob.token}` }, ...(payload && { payload }) });

  it("returns no other developer's account or audit entry through /api/v2 with a portal session", async () => {
    const [aliceEvent] = (await t.sidecar.admin({ url: `/v2/audit-events?filter[resource_id]=${alice.id}` })).json().data;
    expect(aliceEvent).toBeDefined();
    for (const url of [
      `/api/v2/developers/${alice.id}`,
      `/api/v2/developer/${alice.id}`,
      '/api/v2/audit-events',
      `/api/v2/audit-events/${aliceEvent.id}`,
      `/api/v2/applications/${aliceApp}/audit-events`,
    ]) {
      const response = await t.call({ url, headers: { cookie: bob.cookie } });
      expect([url, response.statusCode]).toEqual([url, 404]);
      // The path is named back; nothing of Alice's account or trail is.
      expect(response.body).not.toContain(alice.email);
      expect(response.json()).not.toHaveProperty('data');
    }
    const mine = await me(t, bob.cookie);
    expect(mine.json().id).toBe(bob.id);
    expect(mine.body).not.toContain(alice.id);
  });

  it("returns 403 or 404 to a developer token for another developer's account and audit entries on /v2, changing nothing", async () => {
    const before = await t.sidecar.store.developers.get(alice.id);
    for (const [method, url, payload] of [
      ['GET', '/v2/developers', undefined],
      ['GET', `/v2/developers/${alice.id}`, undefined],
      ['DELETE', `/v2/developers/${alice.id}`, undefined],
      ['POST', `/v2/developers/${alice.id}/token`, undefined],
      ['PATCH', `/v3/portals/${PORTAL_ID}/developers/${alice.id}`, { status: 'revoked' }],
      ['GET', '/v2/audit-events', undefined],
      ['GET', `/v2/audit-events?filter[actor_id]=${alice.id}`, undefined],
    ] as const) {
      expect([method, url, (await asBob(method, url, payload)).statusCode]).toEqual([method, url, 403]);
    }
    expect((await asBob('GET', `/v2/applications/${aliceApp}/audit-events`)).statusCode).toBe(404);
    // His own application's trail, whatever filter he adds, holds only his application's events.
    const own = await asBob('GET', `/v2/applications/${bobApp}/audit-events?filter[application_id]=${aliceApp}`);
    if (own.statusCode === 200) {
      expect(own.json().data.length).toBeGreaterThan(0);
      for (const event of own.json().data) expect(event.application_id).toBe(bobApp);
    } else {
      expect(own.statusCode).toBe(400);
    }
    expect(await t.sidecar.store.developers.get(alice.id)).toEqual(before);
  });

  it("refuses a suspended developer's personal token on /v2 at once, and takes it again once reinstated", async () => {
    const applications = () => asBob('GET', '/v2/applications');
    expect((await applications()).statusCode).toBe(200);
    expect((await setStatus(t, bob.id, 'revoked')).statusCode).toBe(200);
    const refused = await applications();
    expect(refused.statusCode).toBe(403);
    expect(refused.json().detail).toMatch(/revoked/);
    expect((await asBob('DELETE', `/v2/applications/${bobApp}`)).statusCode).toBe(403);
    expect((await asBob('POST', '/v2/applications', { name: 'x', auth_strategy_id: bobApp })).statusCode).toBe(403);
    expect(await t.sidecar.store.applications.get(bobApp)).toBeDefined();
    expect((await setStatus(t, bob.id, 'approved')).statusCode).toBe(200);
    expect((await applications()).statusCode).toBe(200);
  });
});
