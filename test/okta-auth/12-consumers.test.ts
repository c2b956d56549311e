/**
 * What okta-auth tells Kong after authenticating, as Kong runs it: the bundled plugin in the real plugin server,
 * driven over Kong's protocol, with Kong's consumers given to kong.client.load_consumer. `outcome.consumer` and
 * `outcome.credential` are what Kong's ngx.ctx.authenticated_consumer / authenticated_credential would hold for
 * every plugin after this one (rate-limiting, acl, the log plugins).
 */
import { randomUUID } from 'node:crypto';
import { KongPluginServerClient, type AccessOutcome, type ConsumerEntity, type GatewayRequest } from '../../devstack/kong-rpc';
import { startOktaEmulator, type OktaEmulatorFixture } from '../support/okta-emulator';
import { startPluginServer, type RunningPluginServer } from '../support/plugin-server';

let okta: OktaEmulatorFixture;
let server: RunningPluginServer;
let probeServer: RunningPluginServer;
let kong: KongPluginServerClient;
let probeKong: KongPluginServerClient;

const now = Math.floor(Date.now() / 1000);
const consumer = (fields: Partial<ConsumerEntity>): ConsumerEntity => ({
  id: randomUUID(),
  username: null,
  custom_id: null,
  created_at: now,
  updated_at: now,
  tags: null,
  ...fields,
});

async function signedFor(clientId: string, claims: Record<string, unknown> = {}): Promise<GatewayRequest['headers']> {
  const { token } = await okta.control.sign({ cid: clientId, client_id: clientId, sub: clientId, ...claims });
  return { authorization: `Bearer ${token}` };
}

function expectForbidden(outcome: AccessOutcome, reason: RegExp): void {
  expect(outcome.proxied).toBe(false);
  expect(outcome.exit?.status).toBe(403);
  expect(outcome.exit?.body).toEqual({ message: 'Forbidden' });
  expect(String(outcome.exit?.headers['www-authenticate'])).toMatch(reason);
  expect(outcome.consumer).toBeUndefined();
  expect(outcome.credential).toBeUndefined();
}

beforeAll(async () => {
  [okta, server, probeServer] = await Promise.all([startOktaEmulator(), startPluginServer(), startPluginServer({ fixtures: ['pdk-probe'] })]);
  kong = await KongPluginServerClient.connect({ socketPath: server.socketPath });
  probeKong = await KongPluginServerClient.connect({ socketPath: probeServer.socketPath });
});

afterAll(async () => {
  kong?.close();
  probeKong?.close();
  await Promise.all([server?.stop(), probeServer?.stop(), okta?.stop()]);
});

describe('without consumer_claim', () => {
  it('authenticates the client id as the credential, without a consumer, and removes spoofed consumer headers', async () => {
    const plugin = kong.plugin('okta-auth', { issuer: okta.issuer });
    const outcome = await plugin.access({
      headers: { ...(await signedFor('0oa-plain')), 'x-consumer-id': 'spoofed', 'x-consumer-username': 'spoofed', 'x-anonymous-consumer': 'true' },
    });
    expect(outcome.proxied).toBe(true);
    expect(outcome.credential).toEqual({ id: '0oa-plain' });
    expect(outcome.consumer).toBeUndefined();
    for (const name of ['x-consumer-id', 'x-consumer-username', 'x-anonymous-consumer']) expect(outcome.upstreamHeaders[name]).toBeUndefined();
    expect(outcome.upstreamHeaders['x-credential-identifier']).toBe('0oa-plain');
    expect(outcome.pdkCalls.at(-1)).toBe('kong.service.request.set_headers');
  });
});

describe('consumer_claim', () => {
  it('loads the consumer once (5 PDK calls), then from its cache (4), and tells Kong the consumer and credential', async () => {
    const weather = consumer({ username: '0oa-weather', custom_id: 'weather-app' });
    const plugin = kong.plugin('okta-auth', { issuer: okta.issuer, consumer_claim: ['client_id'] });
    const request = { headers: await signedFor('0oa-weather'), consumers: [consumer({ username: 'someone-else' }), weather] };

    const first = await plugin.access(request);
    expect(first.proxied).toBe(true);
    expect(first.pdkCalls).toEqual([
      'kong.request.get_headers',
      'kong.service.request.clear_header',
      'kong.client.load_consumer',
      'kong.client.authenticate',
      'kong.service.request.set_headers',
    ]);
    expect(first.consumer).toEqual(weather);
    expect(first.credential).toEqual({ id: '0oa-weather', consumer_id: weather.id });
    expect(first.upstreamHeaders['x-consumer-id']).toBe(weather.id);
    expect(first.upstreamHeaders['x-consumer-username']).toBe('0oa-weather');
    expect(first.upstreamHeaders['x-consumer-custom-id']).toBe('weather-app');
    expect(first.upstreamHeaders['x-credential-identifier']).toBe('0oa-weather');

    const second = await plugin.access(request);
    expect(second.proxied).toBe(true);
    expect(second.pdkCalls).toEqual(['kong.request.get_headers', 'kong.service.request.clear_header', 'kong.client.authenticate', 'kong.service.request.set_headers']);
    expect(second.consumer).toEqual(weather);
  });

  it('returns 403 saying so when no consumer matches, with no anonymous fallback, and caches the miss', async () => {
    const plugin = kong.plugin('okta-auth', { issuer: okta.issuer, consumer_claim: ['client_id'] });
    const request = { headers: await signedFor('0oa-no-consumer'), consumers: [consumer({ username: 'other' })] };
    const outcome = await plugin.access(request);
    expectForbidden(outcome, /error="insufficient_scope", error_description="no Kong consumer for this client"/);
    expect(outcome.pdkCalls).toContain('kong.client.load_consumer');
    expect((await plugin.access(request)).pdkCalls).not.toContain('kong.client.load_consumer');
  });

  it('returns 403 when the token carries none of the consumer claims', async () => {
    const plugin = kong.plugin('okta-auth', { issuer: okta.issuer, consumer_claim: ['kong_consumer'] });
    const outcome = await plugin.access({ headers: await signedFor('0oa-unnamed'), consumers: [consumer({ username: '0oa-unnamed' })] });
    expectForbidden(outcome, /the token names no Kong consumer/);
  });

  it('finds a consumer by id from another claim with consumer_by id, and never asks Kong for a non-UUID id', async () => {
    const byId = consumer({ username: 'billing' });
    const plugin = kong.plugin('okta-auth', { issuer: okta.issuer, consumer_claim: ['kong_consumer'], consumer_by: ['id'], consumer_cache_ttl: 0 });
    const found = await plugin.access({ headers: await signedFor('0oa-billing', { kong_consumer: byId.id }), consumers: [byId] });
    expect(found.proxied).toBe(true);
    expect(found.consumer).toEqual(byId);
    // Kong's load_consumer raises for a non-UUID without search_by_username (a 500): the plugin does not ask.
    const refused = await plugin.access({ headers: await signedFor('0oa-billing', { kong_consumer: 'billing' }), consumers: [byId] });
    expectForbidden(refused, /no Kong consumer for this client/);
    expect(refused.pdkCalls).not.toContain('kong.client.load_consumer');
  });

  it('does not take a consumer found by id when consumer_by is username only', async () => {
    const target = consumer({ username: 'admin-app' });
    const plugin = kong.plugin('okta-auth', { issuer: okta.issuer, consumer_claim: ['kong_consumer'], consumer_by: ['username'] });
    const outcome = await plugin.access({ headers: await signedFor('0oa-sneaky', { kong_consumer: target.id }), consumers: [target] });
    expectForbidden(outcome, /no Kong consumer for this client/);
  });

  it('loads the consumer on every request with consumer_cache_ttl 0', async () => {
    const plugin = kong.plugin('okta-auth', { issuer: okta.issuer, consumer_claim: ['client_id'], consumer_cache_ttl: 0 });
    const request = { headers: await signedFor('0oa-uncached'), consumers: [consumer({ username: '0oa-uncached' })] };
    for (let i = 0; i < 2; i++) expect((await plugin.access(request)).pdkCalls).toHaveLength(5);
  });

  it('answers 500 and does not proxy when Kong fails the consumer lookup', async () => {
    const plugin = kong.plugin('okta-auth', { issuer: okta.issuer, consumer_claim: ['client_id'] });
    const outcome = await plugin.access({
      headers: await signedFor('0oa-db-down'),
      consumers: [consumer({ username: '0oa-db-down' })],
      stepErrors: { 'kong.client.load_consumer': 'database unavailable' },
    });
    expect(outcome.proxied).toBe(false);
    expect(outcome.exit?.status).toBe(500);
    expect(outcome.credential).toBeUndefined();
  });
});

describe("the dev gateway's kong.client, as kong/pdk/client.lua", () => {
  const known = consumer({ username: 'alice' });
  const probe = (calls: unknown[][]) =>
    probeKong.plugin('pdk-probe', { calls }).access({ consumers: [known] });

  it('loads by id, by username only when asked, and passes authenticate(nil, credential) on whole', async () => {
    const outcome = await probe([
      ['kong.client.load_consumer', known.id],
      ['kong.client.load_consumer', 'alice', true],
      ['kong.client.load_consumer', randomUUID()],
      ['kong.client.authenticate', null, { id: 'client-1' }],
      ['kong.client.get_credential'],
    ]);
    const body = outcome.exit?.body as { results: Array<{ value: unknown }> };
    expect(body.results.map((result) => result.value)).toEqual([known, known, null, null, { id: 'client-1' }]);
    expect(outcome.credential).toEqual({ id: 'client-1' });
    expect(outcome.consumer).toBeUndefined();
  });

  it('raises (a 500) for an id that is not a UUID without search_by_username, as Kong does', async () => {
    const outcome = await probe([['kong.client.load_consumer', 'alice']]);
    expect(outcome.exit?.status).toBe(500);
    expect(outcome.logs.map((entry) => entry.message).join()).toMatch(/cannot load a consumer with an id that is not a uuid/);
  });
});
