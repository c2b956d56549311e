import { buildApp } from '../../sidecar/app';
import { DEFAULTS } from '../../sidecar/defaults';
import type { Store } from '../../sidecar/store';
import { type OktaEmulatorFixture, startOktaEmulator } from '../support/okta-emulator';
import { type TestSidecar, startTestSidecar } from '../support/sidecar-app';
import { type OktaSidecar, type TestDeveloper, developer, oktaStrategy, serviceClient, startOktaSidecar } from '../support/sidecar-fixtures';

const CLIENT_NAME_PREFIX = DEFAULTS.clientNamePrefix;

describe('sidecar applications with the okta driver', () => {
  let env: OktaSidecar;
  let okta: OktaEmulatorFixture;
  let sidecar: TestSidecar;
  let strategyId: string;
  let alice: TestDeveloper;
  let bob: TestDeveloper;

  beforeAll(async () => {
    env = await startOktaSidecar({ idpTimeoutMs: 2_000, deletionBackoff: { baseMs: 0, maxMs: 0 } });
    ({ okta, sidecar, strategyId, alice } = env);
    bob = await developer(sidecar);
  });
  afterAll(() => env?.stop());
  afterEach(() => okta.control.clearFaults());

  const createApp = (who: TestDeveloper, name = 'orders-app', headers: Record<string, string> = {}) =>
    who.call({ method: 'POST', url: '/v2/applications', payload: { name, auth_strategy_id: strategyId }, headers });
  const idpClient = (clientId: string) => okta.dcr.request('GET', `/${clientId}`);
  const idpClientsNamed = async (name: string) =>
    ((await okta.dcr.request('GET', `?q=${encodeURIComponent(name)}`)).data as { client_name: string }[]).filter(
      (c) => c.client_name === name,
    );

  it('answers verify with success for the right DCR token and failed with Okta own error for a wrong one', async () => {
    const { providerId } = await oktaStrategy(sidecar, okta);
    const good = await sidecar.admin({ method: 'POST', url: `/v2/dcr-providers/${providerId}/verify` });
    expect(good.json()).toEqual({ status: 'success', errors: [] });
    const { providerId: badId } = await oktaStrategy(sidecar, { issuer: okta.issuer, apiToken: '00wrong-token' });
    const bad = await sidecar.admin({ method: 'POST', url: `/v2/dcr-providers/${badId}/verify` });
    expect(bad.json()).toEqual({ status: 'failed', errors: [expect.stringMatching(/E0000011/)] });
  });

  it('returns 201 with client_id and client_secret of a service client registered at Okta', async () => {
    const response = await createApp(alice);
    expect(response.statusCode).toBe(201);
    const app = response.json();
    expect(app).toMatchObject({ name: 'orders-app', auth_strategy_id: strategyId, status: 'active', client_id: expect.any(String) });
    expect(app.client_secret).toEqual(expect.any(String));
    const client = await idpClient(app.client_id);
    expect(client.status).toBe(200);
    expect(client.data).toMatchObject({
      client_name: `${CLIENT_NAME_PREFIX}orders-app`,
      application_type: 'service',
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    await expect(okta.token(app.client_id, app.client_secret)).resolves.toEqual(expect.any(String));
  });

  it('never shows the client secret again after creation', async () => {
    const app = (await createApp(alice)).json();
    const read = await alice.call({ url: `/v2/applications/${app.id}` });
    expect(read.statusCode).toBe(200);
    expect(read.json()).not.toHaveProperty('client_secret');
    const list = await alice.call({ url: '/v2/applications?page[size]=100' });
    expect(list.body).not.toContain(app.client_secret);
  });

  it('returns 404 when another developer reads, changes, deletes or refreshes an application', async () => {
    const app = (await createApp(alice)).json();
    const url = `/v2/applications/${app.id}`;
    expect((await bob.call({ url })).statusCode).toBe(404);
    expect((await bob.call({ method: 'PATCH', url, payload: { name: 'stolen' } })).statusCode).toBe(404);
    expect((await bob.call({ method: 'DELETE', url })).statusCode).toBe(404);
    expect((await bob.call({ method: 'POST', url: `${url}/refresh-secret` })).statusCode).toBe(404);
    expect((await bob.call({ method: 'POST', url: `${url}/registrations`, payload: { service: 'x' } })).statusCode).toBe(404);
    expect((await bob.call({ url: '/v2/applications?page[size]=100' })).body).not.toContain(app.id);
    expect((await alice.call({ url })).json().name).toBe('orders-app');
    expect((await idpClient(app.client_id)).status).toBe(200);
  });

  it('updates the name and description of the developer own application', async () => {
    const app = (await createApp(alice)).json();
    const response = await alice.call({ method: 'PATCH', url: `/v2/applications/${app.id}`, payload: { name: 'renamed', description: 'd' } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ name: 'renamed', description: 'd', client_id: app.client_id });
  });

  it('returns a new secret on refresh-secret that works at Okta while the old one no longer does', async () => {
    const app = (await createApp(alice)).json();
    const response = await alice.call({ method: 'POST', url: `/v2/applications/${app.id}/refresh-secret` });
    expect(response.statusCode).toBe(200);
    const { client_secret: fresh } = response.json();
    expect(fresh).toEqual(expect.any(String));
    expect(fresh).not.toBe(app.client_secret);
    await expect(okta.token(app.client_id, fresh)).resolves.toEqual(expect.any(String));
    expect((await okta.tokenResponse(app.client_id, app.client_secret)).status).toBe(401);
  });

  it('returns 204 on delete and the client is gone at Okta', async () => {
    const app = (await createApp(alice)).json();
    expect((await alice.call({ method: 'DELETE', url: `/v2/applications/${app.id}` })).statusCode).toBe(204);
    expect((await alice.call({ url: `/v2/applications/${app.id}` })).statusCode).toBe(404);
    expect((await idpClient(app.client_id)).status).toBe(401);
    expect((await okta.tokenResponse(app.client_id, app.client_secret)).status).toBe(401);
  });

  it('returns 409 when a provider with applications would be pointed at another Okta org, keeping its issuer', async () => {
    await createApp(alice);
    const url = `/v2/dcr-providers/${env.providerId}`;
    const moved = await sidecar.admin({ method: 'PATCH', url, payload: { issuer: 'https://other-org.okta.com/oauth2/default' } });
    expect(moved.statusCode).toBe(409);
    expect(moved.json()).toMatchObject({ status: 409, title: 'Conflict' });
    expect((await sidecar.admin({ url })).json().issuer).toBe(okta.issuer);
    expect((await sidecar.admin({ method: 'PATCH', url, payload: { display_name: 'Okta', issuer: okta.issuer } })).statusCode).toBe(200);
  });

  it('returns 400 naming auth_strategy_id when the strategy does not exist', async () => {
    const response = await alice.call({
      method: 'POST',
      url: '/v2/applications',
      payload: { name: 'x', auth_strategy_id: '00000000-0000-4000-8000-000000000000' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().invalid_parameters[0].field).toBe('auth_strategy_id');
  });

  it('returns 400 naming client_id when a DCR strategy is given one', async () => {
    const response = await alice.call({
      method: 'POST',
      url: '/v2/applications',
      payload: { name: 'x', auth_strategy_id: strategyId, client_id: '0oa-existing' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().invalid_parameters[0].field).toBe('client_id');
  });

  describe('Idempotency-Key', () => {
    it('returns the first 201 again, without the secret and saying so, for a retry with the same key and body, registering one client', async () => {
      const name = `idem-${Date.now()}`;
      const headers = { 'idempotency-key': `key-${name}` };
      const first = await createApp(alice, name, headers);
      const second = await createApp(alice, name, headers);
      expect(first.statusCode).toBe(201);
      expect(second.statusCode).toBe(201);
      const { client_secret: secret, ...application } = first.json();
      expect(secret).toEqual(expect.any(String));
      expect(second.json()).toEqual({
        ...application,
        replayed: 'the answer to an earlier request with this Idempotency-Key: the client secret was in that answer only',
      });
      expect(await idpClientsNamed(`${CLIENT_NAME_PREFIX}${name}`)).toHaveLength(1);
    });

    it('returns 422 for the same key with another body', async () => {
      const headers = { 'idempotency-key': `key-422-${Date.now()}` };
      expect((await createApp(alice, 'one', headers)).statusCode).toBe(201);
      const response = await createApp(alice, 'two', headers);
      expect(response.statusCode).toBe(422);
      expect(response.json()).toMatchObject({ status: 422 });
    });

    it('returns 409 for a retry while the first request is still in flight', async () => {
      await okta.control.fault({ path: '/oauth2/v1/clients', delay_ms: 500, times: 1 });
      const headers = { 'idempotency-key': `key-409-${Date.now()}` };
      const first = createApp(alice, 'slow', headers);
      await new Promise((resolve) => setTimeout(resolve, 150));
      const second = await createApp(alice, 'slow', headers);
      expect(second.statusCode).toBe(409);
      expect((await first).statusCode).toBe(201);
    });

    it('lets a retry with the same key try again after the first attempt failed', async () => {
      await okta.control.fault({ path: '/oauth2/v1/clients', status: 500, times: 1 });
      const headers = { 'idempotency-key': `key-retry-${Date.now()}` };
      expect((await createApp(alice, 'flaky', headers)).statusCode).toBe(502);
      expect((await createApp(alice, 'flaky', headers)).statusCode).toBe(201);
    });

    it('keys are per developer: the same key from another developer creates another application', async () => {
      const headers = { 'idempotency-key': `shared-${Date.now()}` };
      const a = (await createApp(alice, 'shared', headers)).json();
      const b = (await createApp(bob, 'shared', headers)).json();
      expect(b.id).not.toBe(a.id);
    });
  });

  describe('IdP failures', () => {
    /** Okta's 429 for the next DCR call, its rate limit resetting within `seconds` (never later, whatever the ms). */
    const rateLimitedFor = (seconds: number) =>
      okta.control.fault({
        path: '/oauth2/v1/clients',
        status: 429,
        body: { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.' },
        headers: { 'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) + seconds) },
        times: 1,
      });
    const applicationsOf = async (who: TestDeveloper) =>
      (await who.call({ url: '/v2/applications?page[size]=100' })).json().data as { name: string }[];

    it('returns 502 with Okta own error when registration is refused, and stores nothing', async () => {
      const name = `refused-${Date.now()}`;
      await okta.control.fault({
        path: '/oauth2/v1/clients',
        status: 400,
        body: { error: 'invalid_client_metadata', error_description: 'client_name: The field cannot be left blank' },
        times: 1,
      });
      const response = await createApp(alice, name);
      expect(response.statusCode).toBe(502);
      expect(response.json()).toMatchObject({
        status: 502,
        idp_error: { error: 'invalid_client_metadata', error_description: 'client_name: The field cannot be left blank' },
      });
      expect((await applicationsOf(alice)).map((a) => a.name)).not.toContain(name);
    });

    it('returns 502 with the IdP error when Okta answers 500, leaving nothing behind', async () => {
      const name = `down-${Date.now()}`;
      await okta.control.fault({ path: '/oauth2/v1/clients', status: 500, times: 1 });
      const response = await createApp(alice, name);
      expect(response.statusCode).toBe(502);
      expect(response.json().idp_error).toMatchObject({ error: 'emulated_fault' });
      expect((await applicationsOf(alice)).map((a) => a.name)).not.toContain(name);
      expect(await idpClientsNamed(`${CLIENT_NAME_PREFIX}${name}`)).toHaveLength(0);
    });

    it('waits for X-Rate-Limit-Reset and retries when the reset falls within the deadline', async () => {
      await rateLimitedFor(1);
      expect((await createApp(alice, `limited-${Date.now()}`)).statusCode).toBe(201);
    });

    it('returns 503 with Retry-After when the rate limit resets after the deadline', async () => {
      await rateLimitedFor(60);
      const response = await createApp(alice, `limited-${Date.now()}`);
      expect(response.statusCode).toBe(503);
      expect(Number(response.headers['retry-after'])).toBeGreaterThan(30);
      expect(response.json().idp_error.error_description).toMatch(/rate limited/);
    });

    it('returns 503 without hammering Okta when its rate-limit reset is already past by our clock', async () => {
      await okta.control.fault({
        path: '/oauth2/v1/clients',
        status: 429,
        body: { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.' },
        headers: { 'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) - 5) },
        times: 100,
      });
      await okta.control.resetStats();
      const response = await createApp(alice, `skewed-${Date.now()}`);
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBeDefined();
      expect((await okta.control.stats()).clients).toBeLessThanOrEqual(3);
    });

    it('returns 503 when Okta does not answer within the deadline', async () => {
      await okta.control.fault({ path: '/oauth2/v1/clients', delay_ms: 3_000, status: 500, times: 1 });
      const name = `timeout-${Date.now()}`;
      const response = await createApp(alice, name);
      expect(response.statusCode).toBe(503);
      expect(response.json().detail).toMatch(/deadline/);
      expect((await applicationsOf(alice)).map((a) => a.name)).not.toContain(name);
    });

    it('deletes the registered client again when the database write fails', async () => {
      // The application is written in a transaction with the end of its creation: that write fails.
      const failingStore = { ...sidecar.store, transaction: () => Promise.reject(new Error('disk full')) } as Store;
      const broken = await buildApp({ ...sidecar.options, store: failingStore, logStream: undefined, logLevel: 'silent' });
      try {
        const { strategyId: brokenStrategy } = await oktaStrategy(sidecar, okta);
        const dev = await developer(sidecar);
        const name = `dbfail-${Date.now()}`;
        const response = await broken.inject({
          method: 'POST',
          url: '/v2/applications',
          headers: { authorization: `Bearer ${dev.token}` },
          payload: { name, auth_strategy_id: brokenStrategy },
        });
        expect(response.statusCode).toBe(500);
        expect(await idpClientsNamed(`${CLIENT_NAME_PREFIX}${name}`)).toHaveLength(0);
      } finally {
        await broken.close();
      }
    });

    it('keeps an application pending_deletion when Okta refuses the delete, and the retry finishes it', async () => {
      const app = (await createApp(alice)).json();
      await okta.control.fault({ path: `/oauth2/v1/clients/${app.client_id}`, status: 500, times: 1 });
      const response = await alice.call({ method: 'DELETE', url: `/v2/applications/${app.id}` });
      expect(response.statusCode).toBe(202);
      expect(response.json()).toMatchObject({ id: app.id, status: 'pending_deletion' });
      expect((await idpClient(app.client_id)).status).toBe(200);
      const lookup = await sidecar.app.inject({
        url: `/v2/internal/applications/by-client-id/${app.client_id}`,
        headers: { authorization: `Bearer ${sidecar.gatewayToken}` },
      });
      // The gateway is told the application is being deleted (it answers the client 403 with that reason).
      expect(lookup.statusCode).toBe(200);
      expect(lookup.json().application.status).toBe('pending_deletion');

      expect(await sidecar.app.deletion.retryDue()).toBeGreaterThanOrEqual(1);
      expect((await idpClient(app.client_id)).status).toBe(401);
      expect((await alice.call({ url: `/v2/applications/${app.id}` })).statusCode).toBe(404);
    });

    it('resumes pending deletions after a restart (a new app on the same database)', async () => {
      const app = (await createApp(alice)).json();
      await okta.control.fault({ path: `/oauth2/v1/clients/${app.client_id}`, status: 503, times: 1 });
      expect((await alice.call({ method: 'DELETE', url: `/v2/applications/${app.id}` })).statusCode).toBe(202);
      const restarted = await buildApp({ ...sidecar.options, housekeepingIntervalMs: 20, logStream: undefined, logLevel: 'silent' });
      try {
        for (let i = 0; i < 200 && (await sidecar.store.applications.get(app.id)); i += 1) {
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        expect(await sidecar.store.applications.get(app.id)).toBeUndefined();
        expect((await idpClient(app.client_id)).status).toBe(401);
      } finally {
        await restarted.close();
      }
    });
  });
});

describe('sidecar per-developer creation limit', () => {
  let okta: OktaEmulatorFixture;
  let sidecar: TestSidecar;

  beforeAll(async () => {
    okta = await startOktaEmulator();
    sidecar = await startTestSidecar({ creationLimit: { count: 2, windowMs: 3_600_000 } });
  });
  afterAll(async () => {
    await sidecar?.close();
    await okta?.stop();
  });

  it('returns 429 with Retry-After once a developer reached the limit, without calling the IdP', async () => {
    const { strategyId } = await oktaStrategy(sidecar, okta);
    const dev = await developer(sidecar);
    const create = () => dev.call({ method: 'POST', url: '/v2/applications', payload: { name: 'app', auth_strategy_id: strategyId } });
    expect((await create()).statusCode).toBe(201);
    expect((await create()).statusCode).toBe(201);
    await okta.control.resetStats();
    const refused = await create();
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    expect((await okta.control.stats()).clients).toBe(0);
    const other = await developer(sidecar);
    const allowed = await other.call({ method: 'POST', url: '/v2/applications', payload: { name: 'app', auth_strategy_id: strategyId } });
    expect(allowed.statusCode).toBe(201);
  });

  it('lets no more than the limit through when a developer sends a burst of creations at once', async () => {
    const { strategyId } = await oktaStrategy(sidecar, okta);
    const dev = await developer(sidecar);
    const burst = await Promise.all(
      Array.from({ length: 5 }, () => dev.call({ method: 'POST', url: '/v2/applications', payload: { name: 'burst', auth_strategy_id: strategyId } })),
    );
    expect(burst.map((r) => r.statusCode).sort()).toEqual([201, 201, 429, 429, 429]);
    expect(await okta.dcr.request('GET', `?q=${CLIENT_NAME_PREFIX}burst`).then((r) => r.data)).toHaveLength(2);
  });
});

describe('sidecar registrations that got no answer from Okta', () => {
  let env: OktaSidecar;
  let strategyId: string;
  let alice: TestDeveloper;

  beforeAll(async () => {
    env = await startOktaSidecar({ idpTimeoutMs: 1_000, lateRegistrationCheckDelayMs: 0, deletionBackoff: { baseMs: 0, maxMs: 0 } });
    ({ strategyId, alice } = env);
  });
  afterAll(() => env?.stop());
  afterEach(() => env.okta.control.clearFaults());

  const createApp = (name: string) => alice.call({ method: 'POST', url: '/v2/applications', payload: { name, auth_strategy_id: strategyId } });
  const exists = async (clientId: string) => (await env.okta.dcr.request('GET', `/${clientId}`)).status === 200;
  /** What Okta does when it finishes a registration after we stopped waiting: a client of that name appears. */
  const registeredLate = (name: string) => env.okta.dcr.createClient(serviceClient(`${CLIENT_NAME_PREFIX}${name}`));
  const timedOut = async (name: string) => {
    await env.okta.control.fault({ path: '/oauth2/v1/clients', delay_ms: 1_500, times: 1 });
    const response = await createApp(name);
    expect(response.statusCode).toBe(503);
  };
  const pendingChecks = () => env.sidecar.store.registrationChecks.listPending(env.providerId);

  it('deletes the client Okta registered after the request timed out, and no client an application maps to', async () => {
    const name = `late-${Date.now()}`;
    const kept = (await createApp(name)).json();
    await timedOut(name);
    const late = await registeredLate(name);
    expect(await env.sidecar.app.lateRegistrations.checkDue()).toBe(1);
    expect(await exists(late.client_id)).toBe(false);
    expect(await exists(kept.client_id)).toBe(true);
    expect(await pendingChecks()).toEqual([]);
  });

  it('keeps the check when Okta cannot be asked, and finishes it on a later pass', async () => {
    const name = `late-retry-${Date.now()}`;
    await timedOut(name);
    const late = await registeredLate(name);
    await env.okta.control.fault({ path: '/oauth2/v1/clients', status: 500, times: 1 });
    expect(await env.sidecar.app.lateRegistrations.checkDue()).toBe(0);
    expect(await pendingChecks()).toEqual([expect.objectContaining({ client_name: `${CLIENT_NAME_PREFIX}${name}`, attempts: 1 })]);
    expect(await exists(late.client_id)).toBe(true);
    expect(await env.sidecar.app.lateRegistrations.checkDue()).toBe(1);
    expect(await exists(late.client_id)).toBe(false);
  });

  it('remembers no check when Okta refused or rate-limited the registration: it created nothing', async () => {
    await env.okta.control.fault({ path: '/oauth2/v1/clients', status: 400, body: { error: 'invalid_client_metadata', error_description: 'bad' }, times: 1 });
    expect((await createApp(`refused-${Date.now()}`)).statusCode).toBe(502);
    await env.okta.control.fault({
      path: '/oauth2/v1/clients',
      status: 429,
      headers: { 'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000) + 60) },
      times: 1,
    });
    expect((await createApp(`limited-${Date.now()}`)).statusCode).toBe(503);
    expect(await pendingChecks()).toEqual([]);
  });
});
