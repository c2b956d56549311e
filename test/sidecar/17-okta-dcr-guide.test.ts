/**
 * Kong's Okta DCR guide, end to end: the sidecar against the local Okta-compatible server, and requests through the
 * okta-auth plugin in the real plugin server asking the sidecar which application a client belongs to.
 */
import type { AddressInfo } from 'node:net';
import { KongPluginServerClient, type AccessOutcome, type KongPlugin } from '../../devstack/kong-rpc';
import { type OktaAuthStack, startOktaAuthStack } from '../support/okta-auth-stack';
import type { OktaEmulatorFixture } from '../support/okta-emulator';
import { type TestSidecar, startTestSidecar } from '../support/sidecar-app';
import { type TestDeveloper, developer, oktaStrategy } from '../support/sidecar-fixtures';
import { basic } from '../support/tokens';

const CACHE_TTL_SECONDS = 1;
const afterCacheTtl = () => new Promise((resolve) => setTimeout(resolve, CACHE_TTL_SECONDS * 1000 + 200));

describe('Kong Okta DCR guide through the sidecar and the plugin', () => {
  let harness: OktaAuthStack;
  let okta: OktaEmulatorFixture;
  let sidecar: TestSidecar;
  let kong: KongPluginServerClient;
  let plugin: KongPlugin;
  let dev: TestDeveloper;
  let strategyId: string;
  let app: { id: string; client_id: string; client_secret: string };
  let registrationId: string;
  let accessToken: string;

  const service = { id: 'svc-orders', name: 'orders' };
  const bearer = (): Promise<AccessOutcome> => plugin.access({ headers: { authorization: `Bearer ${accessToken}` }, service });
  const basicAuth = (): Promise<AccessOutcome> =>
    plugin.access({ headers: { authorization: basic(app.client_id, app.client_secret) }, service });

  beforeAll(async () => {
    harness = await startOktaAuthStack();
    ({ okta, kong } = harness);
    sidecar = await startTestSidecar();
    await sidecar.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = sidecar.app.server.address() as AddressInfo;
    plugin = kong.plugin(
      'okta-auth',
      {
        issuer: okta.issuer,
        sidecar_url: `http://127.0.0.1:${port}`,
        sidecar_token: sidecar.gatewayToken,
        sidecar_cache_ttl: CACHE_TTL_SECONDS,
        token_cache_ttl: 1,
      },
      { serviceId: service.id },
    );
  });
  afterAll(async () => {
    await sidecar?.close();
    await harness?.stop();
  });

  it('1. the admin creates the Okta DCR provider and the auth strategy', async () => {
    ({ strategyId } = await oktaStrategy(sidecar, okta));
    expect(strategyId).toEqual(expect.any(String));
  });

  it('2. a developer creates an application: its client is registered at Okta', async () => {
    dev = await developer(sidecar);
    const response = await dev.call({ method: 'POST', url: '/v2/applications', payload: { name: 'orders-client', auth_strategy_id: strategyId } });
    expect(response.statusCode).toBe(201);
    app = response.json();
    expect((await okta.dcr.request('GET', `/${app.client_id}`)).status).toBe(200);
  });

  it('3. the new credentials get a token from Okta with client_credentials', async () => {
    accessToken = await okta.token(app.client_id, app.client_secret);
    expect(accessToken.split('.')).toHaveLength(3);
  });

  it('4. before any approved registration the gateway refuses the application with 403', async () => {
    const outcome = await bearer();
    expect(outcome.proxied).toBe(false);
    expect(outcome.exit).toMatchObject({ status: 403, body: { message: 'Forbidden' } });
  });

  it('5. once the registration is approved the gateway accepts and maps the request (Bearer and Basic)', async () => {
    registrationId = (await dev.call({ method: 'POST', url: `/v2/applications/${app.id}/registrations`, payload: { service: 'orders' } })).json().id;
    const approved = await sidecar.admin({ method: 'PATCH', url: `/v2/applications/${app.id}/registrations/${registrationId}`, payload: { status: 'approved' } });
    expect(approved.statusCode).toBe(200);
    await afterCacheTtl();
    for (const outcome of [await bearer(), await basicAuth()]) {
      expect(outcome.proxied).toBe(true);
      expect(outcome.upstreamHeaders['x-client-id']).toBe(app.client_id);
      expect(outcome.upstreamHeaders['x-application-id']).toBe(app.id);
      expect(outcome.upstreamHeaders['x-application-name']).toBe('orders-client');
      expect(outcome.upstreamHeaders['x-developer-id']).toBe(dev.id);
    }
  });

  it('6. a revoked registration is refused within the cache TTL', async () => {
    await sidecar.admin({ method: 'PATCH', url: `/v2/applications/${app.id}/registrations/${registrationId}`, payload: { status: 'revoked' } });
    await afterCacheTtl();
    const outcome = await bearer();
    expect(outcome.proxied).toBe(false);
    expect(outcome.exit).toMatchObject({ status: 403, body: { message: 'Forbidden' } });
  });

  it('7. a deleted application is gone at Okta and refused at the gateway, Basic and Bearer', async () => {
    expect((await dev.call({ method: 'DELETE', url: `/v2/applications/${app.id}` })).statusCode).toBe(204);
    expect((await okta.dcr.request('GET', `/${app.client_id}`)).status).toBe(401);
    await afterCacheTtl();
    const viaBearer = await bearer();
    expect(viaBearer.proxied).toBe(false);
    expect(viaBearer.exit).toMatchObject({ status: 403, body: { message: 'Forbidden' } });
    const viaBasic = await basicAuth();
    expect(viaBasic.proxied).toBe(false);
    expect(viaBasic.exit).toMatchObject({ status: 401, body: { message: 'Unauthorized' } });
  });
});
