/**
 * The plugin side of the client-id -> application mapping: the okta-auth plugin in the real plugin server asking a
 * real sidecar (SQLite), with tokens from the local Okta-compatible server. Applications here bring their own
 * client id (the self-managed mode), so each test controls exactly when a client becomes an application.
 */
import type { AddressInfo } from 'node:net';
import { KongPluginServerClient, type AccessOutcome, type KongPlugin } from '../../devstack/kong-rpc';
import { startOktaAuthStack, type OktaAuthStack } from '../support/okta-auth-stack';
import type { OktaClient, OktaEmulatorFixture } from '../support/okta-emulator';
import type { RunningPluginServer } from '../support/plugin-server';
import { startTestSidecar, type TestSidecar } from '../support/sidecar-app';
import { developer, selfManagedStrategy, type TestDeveloper } from '../support/sidecar-fixtures';

const CACHE_TTL_SECONDS = 1;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const afterCacheTtl = () => sleep(CACHE_TTL_SECONDS * 1000 + 200);

let harness: OktaAuthStack;
let okta: OktaEmulatorFixture;
let server: RunningPluginServer;
let kong: KongPluginServerClient;

interface Stack {
  sidecar: TestSidecar;
  url: string;
  dev: TestDeveloper;
  strategyId: string;
  pluginFor(scope: { serviceId?: string }, overrides?: Record<string, unknown>): KongPlugin;
}

async function stack(): Promise<Stack> {
  const sidecar = await startTestSidecar();
  await sidecar.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(sidecar.app.server.address() as AddressInfo).port}`;
  const strategyId = await selfManagedStrategy(sidecar, okta.issuer);
  const dev = await developer(sidecar);
  const pluginFor = (scope: { serviceId?: string }, overrides: Record<string, unknown> = {}) =>
    kong.plugin(
      'okta-auth',
      { issuer: okta.issuer, sidecar_url: url, sidecar_token: sidecar.gatewayToken, sidecar_cache_ttl: CACHE_TTL_SECONDS, ...overrides },
      scope,
    );
  return { sidecar, url, dev, strategyId, pluginFor };
}

/** Makes `client` an application of the stack's developer, approved (or not) for `service`. */
async function application(s: Stack, client: OktaClient, service: string, status: 'approved' | 'rejected' = 'approved') {
  const created = await s.dev.call({
    method: 'POST',
    url: '/v2/applications',
    payload: { name: `app-${client.client_id}`, auth_strategy_id: s.strategyId, client_id: client.client_id, client_secret: client.client_secret },
  });
  expect(created.statusCode).toBe(201);
  const app = created.json() as { id: string; name: string };
  const registration = await s.dev.call({ method: 'POST', url: `/v2/applications/${app.id}/registrations`, payload: { service } });
  expect(registration.statusCode).toBe(201);
  const decided = await s.sidecar.admin({
    method: 'PATCH',
    url: `/v2/applications/${app.id}/registrations/${registration.json().id as string}`,
    payload: { status },
  });
  expect(decided.statusCode).toBe(200);
  return app;
}

async function bearerFor(client: OktaClient): Promise<{ headers: Record<string, string> }> {
  return { headers: { authorization: `Bearer ${await okta.token(client.client_id, client.client_secret as string)}` } };
}

function expectForbidden(outcome: AccessOutcome): void {
  expect(outcome.proxied).toBe(false);
  expect(outcome.exit?.status).toBe(403);
  expect(outcome.exit?.body).toEqual({ message: 'Forbidden' });
}

beforeAll(async () => {
  harness = await startOktaAuthStack();
  ({ okta, server, kong } = harness);
});

afterAll(() => harness?.stop());

describe('application mapping', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await stack();
  });
  afterAll(async () => {
    await s?.sidecar.close();
  });

  it('adds the application and developer upstream for an application approved for the service', async () => {
    const client = await okta.dcr.createClient();
    const app = await application(s, client, 'orders');
    const outcome = await s.pluginFor({ serviceId: 'svc-orders' }).access({ ...(await bearerFor(client)), service: { id: 'svc-orders', name: 'orders' } });
    expect(outcome.proxied).toBe(true);
    expect(outcome.upstreamHeaders['x-application-id']).toBe(app.id);
    expect(outcome.upstreamHeaders['x-application-name']).toBe(app.name);
    expect(outcome.upstreamHeaders['x-developer-id']).toBe(s.dev.id);
    expect(outcome.upstreamHeaders['x-client-id']).toBe(client.client_id);
  });

  it('returns 403 for a valid token whose client id belongs to no application', async () => {
    const stranger = await okta.dcr.createClient();
    expectForbidden(await s.pluginFor({ serviceId: 'svc-orders' }).access({ ...(await bearerFor(stranger)), service: { id: 'svc-orders', name: 'orders' } }));
  });

  it('returns 403 on a service the application is not approved for, and for a rejected registration', async () => {
    const client = await okta.dcr.createClient();
    await application(s, client, 'orders');
    expectForbidden(await s.pluginFor({ serviceId: 'svc-billing' }).access({ ...(await bearerFor(client)), service: { id: 'svc-billing', name: 'billing' } }));
    const rejected = await okta.dcr.createClient();
    await application(s, rejected, 'orders', 'rejected');
    expectForbidden(await s.pluginFor({ serviceId: 'svc-orders' }).access({ ...(await bearerFor(rejected)), service: { id: 'svc-orders', name: 'orders' } }));
  });

  it('overwrites application headers a client sends with the mapped ones', async () => {
    const client = await okta.dcr.createClient();
    const app = await application(s, client, 'orders');
    const request = await bearerFor(client);
    const outcome = await s.pluginFor({ serviceId: 'svc-orders' }).access({
      headers: { ...request.headers, 'x-application-id': 'spoofed', 'x-developer-id': 'spoofed' },
      service: { id: 'svc-orders', name: 'orders' },
    });
    expect(outcome.upstreamHeaders['x-application-id']).toBe(app.id);
    expect(outcome.upstreamHeaders['x-developer-id']).toBe(s.dev.id);
  });

  it('learns the service name once per service-bound instance, then makes 4 PDK calls', async () => {
    const client = await okta.dcr.createClient();
    await application(s, client, 'orders');
    const plugin = s.pluginFor({ serviceId: 'svc-orders' });
    const request = { ...(await bearerFor(client)), service: { id: 'svc-orders', name: 'orders' } };
    const first = await plugin.access(request);
    const second = await plugin.access(request);
    // Issue 9: Kong is told who called (authenticate), and the identity headers are the last call.
    expect(first.pdkCalls).toEqual([
      'kong.request.get_headers',
      'kong.router.get_service',
      'kong.service.request.clear_header',
      'kong.client.authenticate',
      'kong.service.request.set_headers',
    ]);
    expect(second.proxied).toBe(true);
    expect(second.pdkCalls).not.toContain('kong.router.get_service');
    expect(second.pdkCalls).toHaveLength(4);
  });

  it('asks for the service on every request when the plugin is global', async () => {
    const client = await okta.dcr.createClient();
    await application(s, client, 'orders');
    const global = s.pluginFor({});
    const request = await bearerFor(client);
    expect((await global.access({ ...request, service: { id: 'svc-orders', name: 'orders' } })).proxied).toBe(true);
    expectForbidden(await global.access({ ...request, service: { id: 'svc-billing', name: 'billing' } }));
  });

  it('caches a miss for sidecar_cache_ttl, then sees the new application', async () => {
    const client = await okta.dcr.createClient();
    const plugin = s.pluginFor({ serviceId: 'svc-orders' });
    const request = { ...(await bearerFor(client)), service: { id: 'svc-orders', name: 'orders' } };
    expectForbidden(await plugin.access(request));
    await application(s, client, 'orders');
    expectForbidden(await plugin.access(request));
    await afterCacheTtl();
    expect((await plugin.access(request)).proxied).toBe(true);
  });

  it('refuses a deleted application within sidecar_cache_ttl', async () => {
    const client = await okta.dcr.createClient();
    const app = await application(s, client, 'orders');
    const plugin = s.pluginFor({ serviceId: 'svc-orders' });
    const request = { ...(await bearerFor(client)), service: { id: 'svc-orders', name: 'orders' } };
    expect((await plugin.access(request)).proxied).toBe(true);
    expect((await s.dev.call({ method: 'DELETE', url: `/v2/applications/${app.id}` })).statusCode).toBe(204);
    await afterCacheTtl();
    expectForbidden(await plugin.access(request));
  });

  it('answers 503 and never proxies when the gateway token is wrong', async () => {
    const client = await okta.dcr.createClient();
    await application(s, client, 'orders');
    const wrongToken = s.pluginFor({ serviceId: 'svc-orders' }, { sidecar_token: 'not-the-gateway-token' });
    const outcome = await wrongToken.access({ ...(await bearerFor(client)), service: { id: 'svc-orders', name: 'orders' } });
    expect(outcome.exit?.status).toBe(503);
    expect(outcome.exit?.body).toEqual({ message: 'Application directory unavailable' });
  });
});

describe('403 reasons', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await stack();
  });
  afterAll(async () => {
    await s?.sidecar.close();
  });

  const reasonOf = (outcome: AccessOutcome) => String(outcome.exit?.headers['www-authenticate']);
  const orders = { service: { id: 'svc-orders', name: 'orders' } };

  it('returns 403 saying the application is not approved for this service', async () => {
    const client = await okta.dcr.createClient();
    await application(s, client, 'orders');
    const outcome = await s.pluginFor({ serviceId: 'svc-billing' }).access({ ...(await bearerFor(client)), service: { id: 'svc-billing', name: 'billing' } });
    expectForbidden(outcome);
    expect(reasonOf(outcome)).toBe('Bearer realm="kong", error="insufficient_scope", error_description="application is not approved for this service"');
  });

  it('returns 403 saying no application owns the client', async () => {
    const stranger = await okta.dcr.createClient();
    const outcome = await s.pluginFor({ serviceId: 'svc-orders' }).access({ ...(await bearerFor(stranger)), ...orders });
    expectForbidden(outcome);
    expect(reasonOf(outcome)).toMatch(/error_description="no application owns this client"/);
  });

  it('returns 403 saying the application is being deleted while its deletion at the IdP is pending', async () => {
    const client = await okta.dcr.createClient();
    const app = await application(s, client, 'orders');
    await s.sidecar.store.applications.markDeletionFailed(app.id, 'IdP answered 500', new Date(Date.now() + 60_000));
    const outcome = await s.pluginFor({ serviceId: 'svc-orders' }).access({ ...(await bearerFor(client)), ...orders });
    expectForbidden(outcome);
    expect(reasonOf(outcome)).toMatch(/error_description="application is being deleted"/);
  });

  it('tells nothing to a client whose token is not valid', async () => {
    const outcome = await s.pluginFor({ serviceId: 'svc-orders' }).access({ headers: { authorization: 'Bearer a.b.c' }, ...orders });
    expect(outcome.exit?.status).toBe(401);
    expect(reasonOf(outcome)).not.toMatch(/application/);
  });
});

describe('sidecar down', () => {
  it('serves cached answers up to sidecar_stale_ttl, then answers 503', async () => {
    const s = await stack();
    const client = await okta.dcr.createClient();
    await application(s, client, 'orders');
    const plugin = s.pluginFor({ serviceId: 'svc-orders' }, { sidecar_stale_ttl: 3 });
    const request = { ...(await bearerFor(client)), service: { id: 'svc-orders', name: 'orders' } };
    expect((await plugin.access(request)).proxied).toBe(true);

    await s.sidecar.close();
    await afterCacheTtl();
    expect((await plugin.access(request)).proxied).toBe(true);
    await sleep(2_500);
    const outcome = await plugin.access(request);
    expect(outcome.exit?.status).toBe(503);
    expect(outcome.exit?.body).toEqual({ message: 'Application directory unavailable' });
  });

  it('answers 503 for a client never looked up while the sidecar is down', async () => {
    const s = await stack();
    const client = await okta.dcr.createClient();
    await application(s, client, 'orders');
    await s.sidecar.close();
    const outcome = await s.pluginFor({ serviceId: 'svc-orders' }).access({ ...(await bearerFor(client)), service: { id: 'svc-orders', name: 'orders' } });
    expect(outcome.exit?.status).toBe(503);
    expect(outcome.exit?.body).toEqual({ message: 'Application directory unavailable' });
    await server.waitForStderr(new RegExp(`"event":"directory_unavailable","reason":"${s.url}/v2/internal/applications/by-client-id/${client.client_id} unreachable`));
  });
});
