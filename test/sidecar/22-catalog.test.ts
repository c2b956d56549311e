import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PORTAL } from '../../sidecar/defaults';
import { type TestSidecar, startTestSidecar } from '../support/sidecar-app';
import { testDatabases } from '../support/sidecar-databases';
import { type TestDeveloper, developer, selfManagedStrategy } from '../support/sidecar-fixtures';

const ISSUER_URL = 'https://idp.example.com/oauth2/default';
const OKTA_CLAIM_NAME = 'app_client_id';

/** The guide's gateway side: MyAPI's service with okta-auth set as its auth strategy says. */
const KONG_YML = `_format_version: "3.0"
services:
  - name: MyAPI
    url: http://127.0.0.1:9100
    plugins:
      - name: okta-auth
        config:
          issuer: "{vault://env/catalog-test-issuer}"
          scopes_required: [api.access]
          credential_claim: [${OKTA_CLAIM_NAME}]
  - name: orders
    url: http://127.0.0.1:9101
  - name: billing
    url: http://127.0.0.1:9102
  - name: plain
    url: http://127.0.0.1:9104
  - name: reports
    url: http://127.0.0.1:9105
    plugins:
      - name: okta-auth
        config:
          issuer: https://other.example.com
`;

describe.each(testDatabases)('sidecar API catalog and portal (Konnect v3) on %s', (_name, createDatabase) => {
  let dir: string;
  let sidecar: TestSidecar;
  let alice: TestDeveloper;
  let counter = 0;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sidecar-catalog-'));
    fs.writeFileSync(path.join(dir, 'kong.yml'), KONG_YML);
    process.env.CATALOG_TEST_ISSUER = ISSUER_URL;
    sidecar = await startTestSidecar({ kongDeclarativeConfig: path.join(dir, 'kong.yml') }, createDatabase);
    alice = await developer(sidecar);
  });
  afterAll(async () => {
    await sidecar?.close();
    fs.rmSync(dir, { recursive: true, force: true });
    delete process.env.CATALOG_TEST_ISSUER;
  });

  const createApi = async (name: string, extra: object = {}) => {
    const response = await sidecar.admin({ method: 'POST', url: '/v3/apis', payload: { name, ...extra } });
    expect(response.statusCode).toBe(201);
    return response.json().id as string;
  };
  const publish = (apiId: string, payload?: object) =>
    sidecar.admin({ method: 'PUT', url: `/v3/apis/${apiId}/publications/${PORTAL.id}`, ...(payload && { payload }) });
  const selfManagedApp = async (strategyId: string) => {
    const response = await sidecar.admin({
      method: 'POST',
      url: `/v2/developers/${alice.id}/applications`,
      payload: { name: `app-${++counter}`, auth_strategy_id: strategyId, client_id: `client-${process.pid}-${counter}` },
    });
    expect(response.statusCode).toBe(201);
    return response.json();
  };
  const register = (appId: string, service: string) =>
    alice.call({ method: 'POST', url: `/v2/applications/${appId}/registrations`, payload: { service } });
  const lookup = (clientId: string) =>
    sidecar.app.inject({ url: `/v2/internal/applications/by-client-id/${clientId}`, headers: { authorization: `Bearer ${sidecar.gatewayToken}` } });

  describe("Kong's guide \"Enable self-managed OIDC auth with Okta in Dev Portal\", its calls verbatim", () => {
    let PORTAL_ID: string;
    let API_ID: string;
    let AUTH_STRATEGY_ID: string;

    it('returns 200 with the one portal to GET /v3/portals', async () => {
      const response = await sidecar.admin({ method: 'GET', url: '/v3/portals', headers: { accept: 'application/json', 'content-type': 'application/json' } });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ data: [{ id: PORTAL.id, name: PORTAL.name }], meta: { page: { total: 1 } } });
      PORTAL_ID = response.json().data[0].id;
    });

    it('returns 201 to POST /v3/apis with the name of a gateway service', async () => {
      const response = await sidecar.admin({
        method: 'POST',
        url: '/v3/apis',
        payload: { name: 'MyAPI', attributes: { env: ['development'], domains: ['web', 'mobile'] } },
      });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({ name: 'MyAPI', slug: 'myapi', portals: [], attributes: { env: ['development'] } });
      API_ID = response.json().id;
    });

    it('returns 201 to PUT /v3/apis/$API_ID/publications/$PORTAL_ID without a body: published', async () => {
      const response = await sidecar.admin({ method: 'PUT', url: `/v3/apis/${API_ID}/publications/${PORTAL_ID}` });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({ api_id: API_ID, portal_id: PORTAL_ID, auth_strategy_ids: [], visibility: 'private' });
    });

    it('returns 201 to POST /v2/application-auth-strategies with the Okta OIDC strategy', async () => {
      const response = await sidecar.admin({
        method: 'POST',
        url: '/v2/application-auth-strategies',
        payload: {
          name: 'Okta OIDC',
          display_name: 'Okta OIDC',
          strategy_type: 'openid_connect',
          configs: { 'openid-connect': { issuer: ISSUER_URL, credential_claim: [OKTA_CLAIM_NAME], auth_methods: ['client_credentials'], scopes: ['api.access'] } },
        },
      });
      expect(response.statusCode).toBe(201);
      AUTH_STRATEGY_ID = response.json().id;
    });

    it('returns 200 to the PUT that applies the strategy (Konnect answers 201 only when it publishes)', async () => {
      const response = await sidecar.admin({
        method: 'PUT',
        url: `/v3/apis/${API_ID}/publications/${PORTAL_ID}`,
        payload: { auth_strategy_ids: [AUTH_STRATEGY_ID] },
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ auth_strategy_ids: [AUTH_STRATEGY_ID], auto_approve_registrations: null });
      const api = await sidecar.admin({ url: `/v3/apis/${API_ID}` });
      expect(api.json().portals).toEqual([{ id: PORTAL.id, name: PORTAL.name, display_name: PORTAL.display_name }]);
    });

    it('returns 201 pending to a registration of an app of that strategy, which the admin approves through /v3', async () => {
      const app = await selfManagedApp(AUTH_STRATEGY_ID);
      const requested = await register(app.id, 'MyAPI');
      expect(requested.statusCode).toBe(201);
      expect(requested.json().status).toBe('pending');
      const listed = await sidecar.admin({ url: `/v3/portals/${PORTAL_ID}/application-registrations` });
      expect(listed.statusCode).toBe(200);
      expect(listed.json().data).toEqual([
        {
          id: requested.json().id,
          status: 'pending',
          api: { id: API_ID, name: 'MyAPI' },
          application: { id: app.id, name: app.name },
          created_at: expect.any(String),
          updated_at: expect.any(String),
        },
      ]);
      const patched = await sidecar.admin({
        method: 'PATCH',
        url: `/v3/portals/${PORTAL_ID}/applications/${app.id}/registrations/${requested.json().id}`,
        payload: { status: 'approved' },
      });
      expect(patched.statusCode).toBe(200);
      expect(patched.json()).toMatchObject({ id: requested.json().id, status: 'approved', api: { id: API_ID, name: 'MyAPI' } });
      expect((await lookup(app.client_id)).json().services).toEqual(['MyAPI']);

      const applications = await sidecar.admin({ url: `/v3/portals/${PORTAL_ID}/applications` });
      expect(applications.statusCode).toBe(200);
      expect(applications.json().data).toContainEqual(
        expect.objectContaining({ id: app.id, auth_strategy: { id: AUTH_STRATEGY_ID, name: 'Okta OIDC' }, developer: { id: alice.id, email: expect.any(String) } }),
      );
    });

    it('returns 409 to a registration of an app of another strategy', async () => {
      const other = await selfManagedStrategy(sidecar, ISSUER_URL);
      const app = await selfManagedApp(other);
      const response = await register(app.id, 'MyAPI');
      expect(response.statusCode).toBe(409);
      expect(response.json().detail).toBe(`API MyAPI takes applications of auth strategy ${AUTH_STRATEGY_ID} only`);
    });

    it('approves at once when the publication says auto_approve_registrations, and not when it says false over an auto-approving strategy', async () => {
      const auto = await selfManagedStrategy(sidecar, ISSUER_URL, { autoApprove: true });
      const ordersId = await createApi('orders');
      expect((await publish(ordersId, { auth_strategy_ids: [AUTH_STRATEGY_ID], auto_approve_registrations: true })).statusCode).toBe(201);
      expect((await register((await selfManagedApp(AUTH_STRATEGY_ID)).id, 'orders')).json().status).toBe('approved');
      expect((await publish(ordersId, { auth_strategy_ids: [auto], auto_approve_registrations: false })).statusCode).toBe(200);
      expect((await register((await selfManagedApp(auto)).id, 'orders')).json().status).toBe('pending');
      expect((await publish(ordersId, { auth_strategy_ids: [auto] })).statusCode).toBe(200);
      expect((await register((await selfManagedApp(auto)).id, 'orders')).json().status).toBe('approved');
    });
  });

  describe("drift between an API's auth strategy and its service's okta-auth in kong.yml", () => {
    const implementation = async (apiId: string) => {
      const response = await sidecar.admin({ url: `/v3/apis/${apiId}/implementations` });
      expect(response.statusCode).toBe(200);
      expect(response.json().data).toHaveLength(1);
      return response.json().data[0].service;
    };

    it('returns 200 with the okta-auth config (env vault resolved) and no sync error when they agree', async () => {
      const [api] = (await sidecar.admin({ url: '/v3/apis?filter[name]=MyAPI' })).json().data;
      expect(await implementation(api.id)).toEqual({
        name: 'MyAPI',
        okta_auth: { issuer: ISSUER_URL, scopes_required: ['api.access'], credential_claim: [OKTA_CLAIM_NAME] },
      });
    });

    it('returns 200 with every difference: issuer, scopes and credential claim (the plugin defaults counted)', async () => {
      const strategy = await selfManagedStrategy(sidecar, ISSUER_URL);
      const id = await createApi('reports');
      await publish(id, { auth_strategy_ids: [strategy] });
      const service = await implementation(id);
      expect(service.okta_auth).toEqual({ issuer: 'https://other.example.com' });
      expect(service.auth_strategy_sync_error).toEqual({
        message: expect.stringMatching(/^okta-auth of service reports differs from auth strategy okta-cc-\S+ in issuer, scopes, credential_claim$/),
        differences: [
          { field: 'issuer', auth_strategy: ISSUER_URL, gateway: 'https://other.example.com' },
          { field: 'scopes', auth_strategy: ['api:read'], gateway: [] },
          { field: 'credential_claim', auth_strategy: ['client_id'], gateway: ['client_id', 'cid'] },
        ],
      });
    });

    it('returns 200 saying the service has no okta-auth plugin, once it is published with a strategy', async () => {
      const strategy = await selfManagedStrategy(sidecar, ISSUER_URL);
      const id = await createApi('plain');
      expect((await implementation(id)).auth_strategy_sync_error).toBeUndefined();
      await publish(id, { auth_strategy_ids: [strategy] });
      expect(await implementation(id)).toEqual({
        name: 'plain',
        okta_auth: null,
        auth_strategy_sync_error: { message: 'service plain has no okta-auth plugin in kong.yml', differences: [] },
      });
    });
  });

  it('returns 409 to a registration for a published API without an auth strategy', async () => {
    const strategy = await selfManagedStrategy(sidecar, ISSUER_URL);
    const billing = await createApi('billing', { description: 'Invoices', version: '2.1.0', spec_content: '{"openapi":"3.0.0"}' });
    await publish(billing, { visibility: 'public', auth_strategy_ids: null });
    const response = await register((await selfManagedApp(strategy)).id, 'billing');
    expect(response.statusCode).toBe(409);
    expect(response.json().detail).toBe('API billing takes no application registrations (it has no auth strategy)');
    const api = (await sidecar.admin({ url: `/v3/apis?filter[name]=billing` })).json();
    expect(api).toMatchObject({ data: [{ id: billing, version: '2.1.0', description: 'Invoices', api_spec_ids: [billing] }], meta: { page: { total: 1 } } });
  });

  it('returns 404 naming a name that is no gateway service, and 409 for an API of that name again', async () => {
    const missing = await sidecar.admin({ method: 'POST', url: '/v3/apis', payload: { name: 'nope' } });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().detail).toMatch(/^service nope is not a gateway service/);
    expect((await sidecar.admin({ method: 'POST', url: '/v3/apis', payload: { name: 'MyAPI' } })).statusCode).toBe(409);
  });

  it('returns 404 for another portal id, an unknown API or an unpublished one, and 400 for an unknown strategy', async () => {
    const [api] = (await sidecar.admin({ url: '/v3/apis?filter[name]=MyAPI' })).json().data;
    const other = '00000000-0000-4000-8000-000000000000';
    expect((await sidecar.admin({ method: 'PUT', url: `/v3/apis/${api.id}/publications/${other}` })).statusCode).toBe(404);
    expect((await sidecar.admin({ url: `/v3/portals/${other}/applications` })).statusCode).toBe(404);
    expect((await publish(other)).statusCode).toBe(404);
    const bad = await publish(api.id, { auth_strategy_ids: [other] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().invalid_parameters[0].field).toBe('auth_strategy_ids');
  });

  it('returns 204 to DELETE of a publication, then 404 to its GET; its registrations stay', async () => {
    const strategy = await selfManagedStrategy(sidecar, ISSUER_URL);
    fs.appendFileSync(path.join(dir, 'kong.yml'), '  - name: temp\n    url: http://127.0.0.1:9103\n');
    const temp = await createApi('temp');
    await publish(temp, { auth_strategy_ids: [strategy] });
    const app = await selfManagedApp(strategy);
    const registration = (await register(app.id, 'temp')).json();
    const url = `/v3/apis/${temp}/publications/${PORTAL.id}`;
    expect((await sidecar.admin({ url })).statusCode).toBe(200);
    expect((await sidecar.admin({ method: 'DELETE', url })).statusCode).toBe(204);
    expect((await sidecar.admin({ url })).statusCode).toBe(404);
    expect((await sidecar.admin({ method: 'DELETE', url })).statusCode).toBe(404);
    expect((await alice.call({ url: `/v2/applications/${app.id}/registrations` })).json().data).toEqual([expect.objectContaining({ id: registration.id })]);
  });

  it('returns 403 to a developer and 401 without a token on /v3', async () => {
    expect((await alice.call({ url: '/v3/apis' })).statusCode).toBe(403);
    expect((await sidecar.app.inject({ url: '/v3/portals' })).statusCode).toBe(401);
  });
});
