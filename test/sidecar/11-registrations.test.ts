import type { OktaEmulatorFixture } from '../support/okta-emulator';
import { type TestSidecar, startTestSidecar } from '../support/sidecar-app';
import { testDatabases } from '../support/sidecar-databases';
import { type OktaSidecar, type TestDeveloper, developer, oktaStrategy, selfManagedStrategy, startOktaSidecar } from '../support/sidecar-fixtures';

describe('sidecar registrations and the gateway lookup', () => {
  let env: OktaSidecar;
  let okta: OktaEmulatorFixture;
  let sidecar: TestSidecar;
  let strategyId: string;
  let alice: TestDeveloper;

  beforeAll(async () => {
    env = await startOktaSidecar();
    ({ okta, sidecar, strategyId, alice } = env);
  });
  afterAll(() => env?.stop());

  const createApp = async (who: TestDeveloper, authStrategyId = strategyId) =>
    (await who.call({ method: 'POST', url: '/v2/applications', payload: { name: 'app', auth_strategy_id: authStrategyId } })).json();
  const lookup = (clientId: string, token = sidecar.gatewayToken) =>
    sidecar.app.inject({
      url: `/v2/internal/applications/by-client-id/${encodeURIComponent(clientId)}`,
      headers: { authorization: `Bearer ${token}` },
    });
  const register = (who: TestDeveloper, appId: string, service: string) =>
    who.call({ method: 'POST', url: `/v2/applications/${appId}/registrations`, payload: { service } });
  const decide = (appId: string, registrationId: string, status: string) =>
    sidecar.admin({ method: 'PATCH', url: `/v2/applications/${appId}/registrations/${registrationId}`, payload: { status } });

  it('maps a client ID to its application, developer and no services before any approval', async () => {
    const app = await createApp(alice);
    const response = await lookup(app.client_id);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      application: { id: app.id, name: 'app', status: 'active' },
      developer: { id: alice.id, email: expect.stringMatching(/@example\.com$/), status: 'approved' },
      services: [],
    });
  });

  it('returns 404 for an unknown client ID', async () => {
    expect((await lookup('0oa-unknown')).statusCode).toBe(404);
  });

  it('returns 401 to the lookup without the gateway token, and 403 with the admin token', async () => {
    const app = await createApp(alice);
    expect((await lookup(app.client_id, sidecar.adminToken)).statusCode).toBe(403);
    expect((await sidecar.app.inject({ url: `/v2/internal/applications/by-client-id/${app.client_id}` })).statusCode).toBe(401);
  });

  it('creates a pending registration that an admin approves and then revokes', async () => {
    const app = await createApp(alice);
    const created = await register(alice, app.id, 'orders');
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ application_id: app.id, service: 'orders', status: 'pending' });
    expect((await lookup(app.client_id)).json().services).toEqual([]);

    const approved = await decide(app.id, created.json().id, 'approved');
    expect(approved.statusCode).toBe(200);
    expect(approved.json().status).toBe('approved');
    expect((await lookup(app.client_id)).json().services).toEqual(['orders']);

    expect((await decide(app.id, created.json().id, 'revoked')).statusCode).toBe(200);
    expect((await lookup(app.client_id)).json().services).toEqual([]);
  });

  it('lists the application registrations for its developer', async () => {
    const app = await createApp(alice);
    await register(alice, app.id, 'orders');
    await register(alice, app.id, 'billing');
    const response = await alice.call({ url: `/v2/applications/${app.id}/registrations` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ meta: { page: { number: 1, size: 10, total: 2 } } });
    expect(response.json().data.map((r: { service: string }) => r.service).sort()).toEqual(['billing', 'orders']);
  });

  it('lists an application registrations for the admin, who finds the pending one and approves it', async () => {
    const app = await createApp(alice);
    const { id } = (await register(alice, app.id, 'orders')).json();
    const response = await sidecar.admin({ url: `/v2/applications/${app.id}/registrations` });
    expect(response.statusCode).toBe(200);
    expect(response.json().data).toEqual([expect.objectContaining({ id, service: 'orders', status: 'pending' })]);
    expect((await decide(app.id, id, 'approved')).statusCode).toBe(200);
    expect((await lookup(app.client_id)).json().services).toEqual(['orders']);
  });

  it('returns 404 when another developer lists an application registrations, 401 without a token, 403 with the gateway token', async () => {
    const app = await createApp(alice);
    await register(alice, app.id, 'orders');
    const url = `/v2/applications/${app.id}/registrations`;
    const bob = await developer(sidecar);
    const response = await bob.call({ url });
    expect(response.statusCode).toBe(404);
    expect(response.body).not.toContain('orders');
    expect((await sidecar.app.inject({ url })).statusCode).toBe(401);
    expect((await sidecar.app.inject({ url, headers: { authorization: `Bearer ${sidecar.gatewayToken}` } })).statusCode).toBe(403);
  });

  it('returns 409 for a second registration of the same service', async () => {
    const app = await createApp(alice);
    await register(alice, app.id, 'orders');
    expect((await register(alice, app.id, 'orders')).statusCode).toBe(409);
  });

  it('returns 403 when a developer tries to approve a registration', async () => {
    const app = await createApp(alice);
    const { id } = (await register(alice, app.id, 'orders')).json();
    const response = await alice.call({ method: 'PATCH', url: `/v2/applications/${app.id}/registrations/${id}`, payload: { status: 'approved' } });
    expect(response.statusCode).toBe(403);
  });

  it('returns 400 for a decision other than approved, rejected or revoked, and 404 for an unknown registration', async () => {
    const app = await createApp(alice);
    const { id } = (await register(alice, app.id, 'orders')).json();
    expect((await decide(app.id, id, 'pending')).statusCode).toBe(400);
    expect((await decide(app.id, '00000000-0000-4000-8000-000000000000', 'approved')).statusCode).toBe(404);
  });

  it('approves at once when the auth strategy says auto_approve', async () => {
    const { strategyId: auto } = await oktaStrategy(sidecar, okta, { autoApprove: true });
    const app = await createApp(alice, auto);
    expect((await register(alice, app.id, 'orders')).json().status).toBe('approved');
    expect((await lookup(app.client_id)).json().services).toEqual(['orders']);
  });

  it('returns 404 to the lookup once the application is deleted', async () => {
    const app = await createApp(alice);
    await alice.call({ method: 'DELETE', url: `/v2/applications/${app.id}` });
    expect((await lookup(app.client_id)).statusCode).toBe(404);
  });

  describe('self-managed client IDs (strategy without a DCR provider)', () => {
    let selfManaged: string;
    beforeAll(async () => {
      selfManaged = await selfManagedStrategy(sidecar, okta.issuer);
    });

    it('returns 201 with the existing client ID and no secret, without registering anything', async () => {
      const client = await okta.dcr.createClient();
      await okta.control.resetStats();
      const response = await alice.call({
        method: 'POST',
        url: '/v2/applications',
        payload: { name: 'existing', auth_strategy_id: selfManaged, client_id: client.client_id, client_secret: client.client_secret },
      });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({ client_id: client.client_id, status: 'active' });
      expect(response.json()).not.toHaveProperty('client_secret');
      expect((await okta.control.stats()).clients).toBe(0);
      expect((await lookup(client.client_id)).json().application.name).toBe('existing');
    });

    const claimWith = (who: TestDeveloper, payload: object) =>
      who.call({ method: 'POST', url: '/v2/applications', payload: { name: 'proof', auth_strategy_id: selfManaged, ...payload } });

    it('returns 201 with client_verified true once the secret proves the client, and never answers or keeps the secret', async () => {
      const client = await okta.dcr.createClient();
      const response = await claimWith(alice, { client_id: client.client_id, client_secret: client.client_secret });
      expect(response.statusCode).toBe(201);
      expect(response.json().client_verified).toBe(true);
      expect(response.body).not.toContain(client.client_secret);
      expect(await sidecar.database.rawContents()).not.toContain(client.client_secret);
    });

    it('returns 400 naming client_secret when the issuer refuses it, and stores nothing', async () => {
      const client = await okta.dcr.createClient();
      const response = await claimWith(alice, { client_id: client.client_id, client_secret: 'not-the-secret' });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ invalid_parameters: [{ field: 'client_secret', reason: 'the issuer refused these client credentials (invalid_client)' }] });
      expect((await sidecar.admin({ url: `/v2/applications?filter[client_id]=${client.client_id}` })).json().data).toEqual([]);
      expect((await claimWith(alice, { client_id: client.client_id })).json().invalid_parameters[0].field).toBe('client_secret');
    });

    it("returns 400 naming client_id when the token's credential claim does not name it", async () => {
      const client = await okta.dcr.createClient();
      const strategy = await sidecar.admin({
        method: 'POST',
        url: '/v2/application-auth-strategies',
        payload: {
          name: `other-claim-${client.client_id}`,
          display_name: 'Other claim',
          strategy_type: 'openid_connect',
          configs: { 'openid-connect': { issuer: okta.issuer, credential_claim: ['app_client_id'], scopes: ['api:read'] } },
        },
      });
      const response = await claimWith(alice, { auth_strategy_id: strategy.json().id, client_id: client.client_id, client_secret: client.client_secret });
      expect(response.statusCode).toBe(400);
      expect(response.json().invalid_parameters[0]).toEqual({ field: 'client_id', reason: "is not the client the issuer's token names for this secret" });
    });

    it('returns 409 to another developer proving a client already used, without naming its owner', async () => {
      const client = await okta.dcr.createClient();
      const proof = { client_id: client.client_id, client_secret: client.client_secret };
      expect((await claimWith(alice, proof)).statusCode).toBe(201);
      const bob = await developer(sidecar);
      const response = await claimWith(bob, proof);
      expect(response.statusCode).toBe(409);
      expect(response.json().detail).toBe(`client ID ${client.client_id} already belongs to an application`);
      expect(response.body).not.toContain(alice.id);
    });

    it('returns 201 with client_verified false to an admin claim without proof, 400 for a DCR strategy, 404 for an unknown developer', async () => {
      const claim = (developerId: string, payload: object) =>
        sidecar.admin({ method: 'POST', url: `/v2/developers/${developerId}/applications`, payload: { name: 'claimed', ...payload } });
      const clientId = `unproven-${process.pid}`;
      const claimed = await claim(alice.id, { auth_strategy_id: selfManaged, client_id: clientId });
      expect(claimed.statusCode).toBe(201);
      expect(claimed.json()).toMatchObject({ developer_id: alice.id, client_id: clientId, client_verified: false });
      expect((await lookup(clientId)).statusCode).toBe(200);
      expect((await claim(alice.id, { auth_strategy_id: strategyId, client_id: 'x' })).json().invalid_parameters[0].field).toBe('auth_strategy_id');
      expect((await claim('00000000-0000-4000-8000-000000000000', { auth_strategy_id: selfManaged, client_id: 'y' })).statusCode).toBe(404);
      expect((await alice.call({ method: 'POST', url: `/v2/developers/${alice.id}/applications`, payload: {} })).statusCode).toBe(403);
    });

    it('returns 400 naming client_id when it is missing', async () => {
      const response = await alice.call({ method: 'POST', url: '/v2/applications', payload: { name: 'x', auth_strategy_id: selfManaged } });
      expect(response.statusCode).toBe(400);
      expect(response.json().invalid_parameters[0].field).toBe('client_id');
    });

    it('returns 409 when the client ID already belongs to an application', async () => {
      const client = await okta.dcr.createClient();
      const body = { name: 'x', auth_strategy_id: selfManaged, client_id: client.client_id, client_secret: client.client_secret };
      expect((await alice.call({ method: 'POST', url: '/v2/applications', payload: body })).statusCode).toBe(201);
      expect((await alice.call({ method: 'POST', url: '/v2/applications', payload: body })).statusCode).toBe(409);
    });

    it('returns 409 on refresh-secret and leaves the IdP client alone on delete', async () => {
      const client = await okta.dcr.createClient();
      const app = (
        await alice.call({
          method: 'POST',
          url: '/v2/applications',
          payload: { name: 'x', auth_strategy_id: selfManaged, client_id: client.client_id, client_secret: client.client_secret },
        })
      ).json();
      expect((await alice.call({ method: 'POST', url: `/v2/applications/${app.id}/refresh-secret` })).statusCode).toBe(409);
      expect((await alice.call({ method: 'DELETE', url: `/v2/applications/${app.id}` })).statusCode).toBe(204);
      expect((await okta.dcr.request('GET', `/${client.client_id}`)).status).toBe(200);
    });
  });
});

describe.each(testDatabases)('an admin claim racing the deletion of its developer on %s', (_name, createDatabase) => {
  it('answers 201, 404 or 409, never a 500 (found by test/sidecar/25-bad-input)', async () => {
    const sidecar = await startTestSidecar({}, createDatabase);
    try {
      const strategy = await selfManagedStrategy(sidecar, 'https://issuer.example.com/oauth2/default');
      const statuses = new Set<number>();
      for (let i = 0; i < 20; i += 1) {
        const owner = await developer(sidecar);
        const [claim] = await Promise.all([
          sidecar.admin({ method: 'POST', url: `/v2/developers/${owner.id}/applications`, payload: { name: 'raced', auth_strategy_id: strategy, client_id: `raced-${i}` } }),
          sidecar.admin({ method: 'DELETE', url: `/v2/developers/${owner.id}` }),
        ]);
        statuses.add(claim.statusCode);
      }
      expect([...statuses].filter((status) => ![201, 404, 409].includes(status))).toEqual([]);
    } finally {
      await sidecar.close();
    }
  }, 60_000);
});
