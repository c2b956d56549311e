/**
 * The okta-auth plugin as Kong runs it: the bundled plugin inside the real plugin server (our start command),
 * driven over Kong's protocol, against the local Okta-compatible server.
 */
import type { JsonWebKey } from 'node:crypto';
import { KongPluginServerClient, type AccessOutcome, type GatewayRequest, type KongPlugin } from '../../devstack/kong-rpc';
import { startOktaAuthStack, type OktaAuthStack } from '../support/okta-auth-stack';
import type { OktaClient, OktaEmulatorFixture } from '../support/okta-emulator';
import type { RunningPluginServer } from '../support/plugin-server';
import { basic, hs256WithPublicKey, tamperPayload, unsignedToken } from '../support/tokens';

let harness: OktaAuthStack;
let okta: OktaEmulatorFixture;
let server: RunningPluginServer;
let kong: KongPluginServerClient;
let plugin: KongPlugin;
let client: OktaClient;

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

async function access(request: GatewayRequest, on: KongPlugin = plugin): Promise<AccessOutcome> {
  return on.access(request);
}

function challenge(outcome: AccessOutcome): string | undefined {
  const value = outcome.exit?.headers['www-authenticate'];
  return Array.isArray(value) ? value[0] : value;
}

function expectRefused(outcome: AccessOutcome, status: number, challengePattern?: RegExp): void {
  expect(outcome.proxied).toBe(false);
  expect(outcome.exit?.status).toBe(status);
  if (challengePattern) expect(challenge(outcome)).toMatch(challengePattern);
}

beforeAll(async () => {
  harness = await startOktaAuthStack();
  ({ okta, server, kong } = harness);
  plugin = kong.plugin('okta-auth', { issuer: okta.issuer }, { serviceId: 'svc-demo' });
  client = await okta.dcr.createClient();
});

afterAll(() => harness?.stop());

describe('Bearer tokens', () => {
  it('proxies a valid token with the identity headers and without Authorization', async () => {
    const token = await okta.token(client.client_id, client.client_secret as string);
    const outcome = await access(bearer(token));
    expect(outcome.proxied).toBe(true);
    expect(outcome.upstreamHeaders['x-credential-identifier']).toBe(client.client_id);
    expect(outcome.upstreamHeaders['x-client-id']).toBe(client.client_id);
    expect(outcome.upstreamHeaders['x-authenticated-scope']).toBe('api:read');
    expect(outcome.upstreamHeaders.authorization).toBeUndefined();
  });

  it('returns 401 with a bare Bearer challenge when no credentials are sent', async () => {
    const outcome = await access({ headers: {} });
    expectRefused(outcome, 401);
    expect(challenge(outcome)).toBe('Bearer realm="kong"');
    expect(outcome.exit?.body).toEqual({ message: 'Unauthorized' });
  });

  it.each([
    ['a malformed header', 'Bearer', /error="invalid_request"/],
    ['a token that is not a JWT', 'Bearer not-a-jwt', /error="invalid_token", error_description="malformed token"/],
    ['an unsupported scheme', 'Digest abc', /error="invalid_request"/],
  ])('returns 401 for %s', async (_what, authorization, pattern) => {
    expectRefused(await access({ headers: { authorization } }), 401, pattern);
  });

  it('returns 401 when the token expired beyond the leeway', async () => {
    const now = Math.floor(Date.now() / 1000);
    const { token } = await okta.control.sign({ iat: now - 7200, exp: now - 120 });
    expectRefused(await access(bearer(token)), 401, /error_description="token expired"/);
  });

  it('accepts a token that expired within the leeway', async () => {
    const now = Math.floor(Date.now() / 1000);
    const { token } = await okta.control.sign({ iat: now - 3600, exp: now - 30 });
    expect((await access(bearer(token))).proxied).toBe(true);
  });

  it('returns 401 when the token is not valid yet', async () => {
    const now = Math.floor(Date.now() / 1000);
    const { token } = await okta.control.sign({ nbf: now + 600 });
    expectRefused(await access(bearer(token)), 401, /error="invalid_token", error_description="token not valid yet"/);
  });

  it('returns 401 when the token was issued in the future', async () => {
    const now = Math.floor(Date.now() / 1000);
    const { token } = await okta.control.sign({ iat: now + 600, exp: now + 4200 });
    expectRefused(await access(bearer(token)), 401, /issued in the future/);
  });

  it("returns 401 when the token's issuer differs, even by a trailing slash", async () => {
    const { token } = await okta.control.sign({ iss: `${okta.issuer}/` });
    expectRefused(await access(bearer(token)), 401, /unexpected issuer/);
  });

  it("returns 401 when the token's aud does not match", async () => {
    const { token } = await okta.control.sign({ aud: 'api://other' });
    expectRefused(await access(bearer(token)), 401, /unexpected audience/);
  });

  it('returns 401 for alg none', async () => {
    const { header, claims } = await okta.control.sign();
    expectRefused(await access(bearer(unsignedToken(header, claims))), 401, /unsupported token algorithm/);
  });

  it('returns 401 for an HS256 token signed with the public key', async () => {
    const { header, claims } = await okta.control.sign();
    const { keys } = (await okta.http.get(okta.jwksUri)).data as { keys: Array<JsonWebKey & { kid: string }> };
    const jwk = keys.find((k) => k.kid === header.kid) as JsonWebKey;
    expectRefused(await access(bearer(hs256WithPublicKey(jwk, header, claims))), 401, /unsupported token algorithm/);
  });

  it('returns 401 for an RSA algorithm other than RS256', async () => {
    const { token } = await okta.control.sign({}, { alg: 'RS512' });
    expectRefused(await access(bearer(token)), 401, /unsupported token algorithm/);
  });

  it('returns 401 for a token that carries its own key', async () => {
    const { token } = await okta.control.sign({}, { jku: 'https://evil.example.com/keys' });
    expectRefused(await access(bearer(token)), 401, /must not carry its own key/);
  });

  it('returns 401 for a token without kid', async () => {
    const { token } = await okta.control.sign({}, { kid: null });
    expectRefused(await access(bearer(token)), 401, /no key id/);
  });

  it('returns 401 for a tampered payload', async () => {
    const token = await okta.token(client.client_id, client.client_secret as string);
    const forged = tamperPayload(token, { scp: ['api:read', 'api:admin'] });
    expectRefused(await access(bearer(forged)), 401, /invalid signature/);
  });

  it('returns 401 for an Authorization header over 8 KiB before parsing it', async () => {
    const outcome = await access({ headers: { authorization: `Bearer ${'a'.repeat(9000)}` } });
    expectRefused(outcome, 401, /Authorization header too large/);
  });

  it('returns 401 for a token without a client id claim', async () => {
    const { token } = await okta.control.sign({ cid: null, client_id: null });
    expectRefused(await access(bearer(token)), 401, /no client id claim/);
  });

  it('returns 403 insufficient_scope when a required scope is missing', async () => {
    const scoped = kong.plugin('okta-auth', { issuer: okta.issuer, scopes_required: ['api:write'] });
    const token = await okta.token(client.client_id, client.client_secret as string);
    const outcome = await access(bearer(token), scoped);
    expectRefused(outcome, 403, /error="insufficient_scope".*scope="api:write"/);
    expect(outcome.exit?.body).toEqual({ message: 'Forbidden' });
  });

  it('accepts scopes given as a space-separated scope claim', async () => {
    const scoped = kong.plugin('okta-auth', { issuer: okta.issuer, scopes_required: ['a', 'b'] });
    const { token } = await okta.control.sign({ scp: null, scope: 'a b c' });
    const outcome = await access(bearer(token), scoped);
    expect(outcome.proxied).toBe(true);
    expect(outcome.upstreamHeaders['x-authenticated-scope']).toBe('a b c');
  });

  it('removes identity headers the client sent, so they cannot be spoofed', async () => {
    const token = await okta.token(client.client_id, client.client_secret as string);
    const outcome = await access({
      headers: {
        authorization: `Bearer ${token}`,
        'x-client-id': 'spoofed',
        'x-credential-identifier': 'spoofed',
        'x-authenticated-scope': 'admin',
        'x-application-id': 'spoofed',
        'x-application-name': 'spoofed',
        'x-developer-id': 'spoofed',
      },
    });
    expect(outcome.proxied).toBe(true);
    expect(outcome.upstreamHeaders['x-client-id']).toBe(client.client_id);
    expect(outcome.upstreamHeaders['x-credential-identifier']).toBe(client.client_id);
    expect(outcome.upstreamHeaders['x-authenticated-scope']).toBe('api:read');
    for (const name of ['x-application-id', 'x-application-name', 'x-developer-id']) {
      expect(outcome.upstreamHeaders[name]).toBeUndefined();
    }
  });

  it('removes a spoofed identity header that comes after more headers than Kong returns by default', async () => {
    const token = await okta.token(client.client_id, client.client_secret as string);
    const fillers = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`x-filler-${i}`, 'f']));
    const outcome = await access({ headers: { authorization: `Bearer ${token}`, ...fillers, 'x-application-id': 'spoofed' } });
    expect(outcome.proxied).toBe(true);
    expect(outcome.upstreamHeaders['x-application-id']).toBeUndefined();
  });

  it('returns 401 for a request with more headers than the plugin can see', async () => {
    const token = await okta.token(client.client_id, client.client_secret as string);
    const fillers = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`x-filler-${i}`, 'f']));
    const outcome = await access({ headers: { authorization: `Bearer ${token}`, ...fillers } });
    expectRefused(outcome, 401, /error="invalid_request", error_description="too many request headers"/);
  });

  it('keeps Authorization upstream when hide_credentials is off', async () => {
    const keeping = kong.plugin('okta-auth', { issuer: okta.issuer, hide_credentials: false });
    const token = await okta.token(client.client_id, client.client_secret as string);
    expect((await access(bearer(token), keeping)).upstreamHeaders.authorization).toBe(`Bearer ${token}`);
  });

  it('returns 401 for a bearer token when only client_credentials is enabled', async () => {
    const basicOnly = kong.plugin('okta-auth', { issuer: okta.issuer, auth_methods: ['client_credentials'] });
    const token = await okta.token(client.client_id, client.client_secret as string);
    expectRefused(await access(bearer(token), basicOnly), 401, /bearer tokens are not accepted/);
  });
});

describe('PDK call budget', () => {
  it('makes at most 4 PDK calls on success and 2 on a refusal', async () => {
    const token = await okta.token(client.client_id, client.client_secret as string);
    const ok = await access(bearer(token));
    expect(ok.proxied).toBe(true);
    // Issue 9: Kong is told who called (authenticate), and the identity headers are the last call.
    expect(ok.pdkCalls).toEqual([
      'kong.request.get_headers',
      'kong.service.request.clear_header',
      'kong.client.authenticate',
      'kong.service.request.set_headers',
    ]);
    expect(ok.credential).toEqual({ id: client.client_id });
    expect(ok.consumer).toBeUndefined();
    const refused = await access({ headers: { authorization: 'Bearer nope' } });
    expect(refused.pdkCalls).toEqual(['kong.request.get_headers', 'kong.response.exit']);
  });

  it('does not proxy when Kong fails the upstream header write', async () => {
    const token = await okta.token(client.client_id, client.client_secret as string);
    const outcome = await access({
      ...bearer(token),
      stepErrors: { 'kong.service.request.set_headers': 'header write failed' },
    });
    expectRefused(outcome, 500);
    expect(outcome.exit?.body).toEqual({ message: 'An unexpected error occurred' });
  });

  it('returns 500 without ever writing X-Credential-Identifier when a call before the identity fails', async () => {
    const token = await okta.token(client.client_id, client.client_secret as string);
    const outcome = await access({
      headers: { authorization: `Bearer ${token}`, 'x-client-id': 'forged' },
      stepErrors: { 'kong.service.request.clear_header': 'header clear failed' },
    });
    expectRefused(outcome, 500);
    expect(outcome.pdkCalls).not.toContain('kong.service.request.set_headers');
    expect(outcome.upstreamHeaders['x-credential-identifier']).toBeUndefined();
  });

  it('does not proxy when Kong fails the header read', async () => {
    const outcome = await access({ headers: {}, stepErrors: { 'kong.request.get_headers': 'boom' } });
    expectRefused(outcome, 500);
  });
});

describe('Basic client credentials', () => {
  let basicClient: OktaClient;
  beforeAll(async () => {
    basicClient = await okta.dcr.createClient();
  });

  it('proxies base64 Basic credentials after one exchange, and reuses the token', async () => {
    await okta.control.resetStats();
    const authorization = basic(basicClient.client_id, basicClient.client_secret as string);
    const first = await access({ headers: { authorization } });
    expect(first.proxied).toBe(true);
    expect(first.upstreamHeaders['x-client-id']).toBe(basicClient.client_id);
    expect(first.upstreamHeaders.authorization).toBeUndefined();
    expect((await access({ headers: { authorization } })).proxied).toBe(true);
    expect((await okta.control.stats()).token).toBe(1);
  });

  it("proxies the literal `Basic client_id:client_secret` of Kong's guide", async () => {
    const outcome = await access({
      headers: { authorization: `Basic ${basicClient.client_id}:${basicClient.client_secret as string}` },
    });
    expect(outcome.proxied).toBe(true);
    expect(outcome.upstreamHeaders['x-credential-identifier']).toBe(basicClient.client_id);
  });

  it('makes exactly one token call for 200 concurrent requests with new credentials', async () => {
    const fresh = await okta.dcr.createClient();
    await okta.control.resetStats();
    const authorization = basic(fresh.client_id, fresh.client_secret as string);
    const outcomes = await Promise.all(Array.from({ length: 200 }, () => access({ headers: { authorization } })));
    expect(outcomes.filter((o) => o.proxied)).toHaveLength(200);
    expect((await okta.control.stats()).token).toBe(1);
  });

  it('returns 401 for a wrong secret and remembers the refusal', async () => {
    const victim = await okta.dcr.createClient();
    await okta.control.resetStats();
    const authorization = basic(victim.client_id, 'wrong-secret');
    const outcomes = await Promise.all(Array.from({ length: 50 }, () => access({ headers: { authorization } })));
    for (const outcome of outcomes) expectRefused(outcome, 401, /client credentials rejected/);
    for (let i = 0; i < 20; i++) expectRefused(await access({ headers: { authorization } }), 401);
    expect((await okta.control.stats()).token).toBe(1);
  });

  it('caps the exchanges a flood of different wrong secrets causes, then answers 429', async () => {
    const victim = await okta.dcr.createClient();
    await okta.control.resetStats();
    const outcomes: AccessOutcome[] = [];
    for (let i = 0; i < 40; i++) outcomes.push(await access({ headers: { authorization: basic(victim.client_id, `guess-${i}`) } }));
    const statuses = outcomes.map((o) => o.exit?.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30);
    expect(outcomes[39]?.exit?.headers['retry-after']).toMatch(/^\d+$/);
    expect((await okta.control.stats()).token).toBe(10);
  });

  it('never lets the secret reach a log line', async () => {
    const secret = 'the-secret-that-must-not-be-logged';
    await access({ headers: { authorization: basic('0oanotaclient', secret) } });
    await okta.control.fault({ path: '/oauth2/default/v1/token', status: 500, times: 1 });
    await access({ headers: { authorization: basic('0oanotaclient2', secret) } });
    await okta.control.clearFaults();
    expect(server.stderr() + server.stdout()).not.toContain(secret);
  });

  it('returns 503 when the token endpoint fails or answers 429, without remembering it as a refusal', async () => {
    const unlucky = await okta.dcr.createClient();
    const authorization = basic(unlucky.client_id, unlucky.client_secret as string);
    await okta.control.fault({ path: '/oauth2/default/v1/token', status: 500, times: 1 });
    const failed = await access({ headers: { authorization } });
    expectRefused(failed, 503);
    expect(failed.exit?.body).toEqual({ message: 'Identity provider unavailable' });
    await okta.control.fault({ path: '/oauth2/default/v1/token', status: 429, times: 1, headers: { 'Retry-After': '7' } });
    const limited = await access({ headers: { authorization } });
    expectRefused(limited, 503);
    expect(limited.exit?.headers['retry-after']).toBe('7');
    expect((await access({ headers: { authorization } })).proxied).toBe(true);
  });

  it('returns 503 when the token endpoint answers neither a token nor an OAuth refusal, without remembering it', async () => {
    const app = await okta.dcr.createClient();
    const authorization = basic(app.client_id, app.client_secret as string);
    await okta.control.fault({ path: '/oauth2/default/v1/token', status: 404, times: 1, body: { message: 'no such route' } });
    const failed = await access({ headers: { authorization } });
    expectRefused(failed, 503);
    expect(failed.exit?.body).toEqual({ message: 'Identity provider unavailable' });
    expect((await access({ headers: { authorization } })).proxied).toBe(true);
  });

  it('returns 503 within timeout_ms when the token endpoint hangs', async () => {
    const hasty = kong.plugin('okta-auth', { issuer: okta.issuer, timeout_ms: 300 });
    const slow = await okta.dcr.createClient();
    // Delayed, then served normally: only the deadline can turn this exchange into a refusal.
    await okta.control.fault({ path: '/oauth2/default/v1/token', delay_ms: 3000, times: 1 });
    const outcome = await access({ headers: { authorization: basic(slow.client_id, slow.client_secret as string) } }, hasty);
    expectRefused(outcome, 503);
    expect(outcome.exit?.body).toEqual({ message: 'Identity provider unavailable' });
    await okta.control.clearFaults();
  });

  it('stops accepting an old secret once the token cache expires after a new secret is issued', async () => {
    const rotating = kong.plugin('okta-auth', { issuer: okta.issuer, token_cache_ttl: 0 });
    const app = await okta.dcr.createClient();
    const oldAuth = basic(app.client_id, app.client_secret as string);
    expect((await access({ headers: { authorization: oldAuth } }, rotating)).proxied).toBe(true);
    const renewed = (await okta.dcr.request('POST', `/${app.client_id}/lifecycle/newSecret`)).data as OktaClient;
    expectRefused(await access({ headers: { authorization: oldAuth } }, rotating), 401);
    const newAuth = basic(app.client_id, renewed.client_secret as string);
    expect((await access({ headers: { authorization: newAuth } }, rotating)).proxied).toBe(true);
  });

  it('returns 403 insufficient_scope for Basic credentials whose token lacks a required scope, exchanging once', async () => {
    const scoped = kong.plugin('okta-auth', { issuer: okta.issuer, scopes_required: ['api:write'] });
    const app = await okta.dcr.createClient();
    await okta.control.resetStats();
    const authorization = basic(app.client_id, app.client_secret as string);
    for (let i = 0; i < 3; i++) {
      const outcome = await access({ headers: { authorization } }, scoped);
      expectRefused(outcome, 403, /error="insufficient_scope"/);
      expect(outcome.exit?.body).toEqual({ message: 'Forbidden' });
    }
    expect((await okta.control.stats()).token).toBe(1);
  });

  it('returns 401 for Basic credentials when only bearer is enabled', async () => {
    const bearerOnly = kong.plugin('okta-auth', { issuer: okta.issuer, auth_methods: ['bearer'] });
    const outcome = await access({ headers: { authorization: basic(basicClient.client_id, 'x') } }, bearerOnly);
    expectRefused(outcome, 401, /client credentials are not accepted/);
  });
});

describe('configuration', () => {
  it('reports a bad config at instance start naming the field, and refuses every request with 500', async () => {
    // Kong proxies when an instance fails to start, so the plugin must start and refuse instead.
    const broken = kong.plugin('okta-auth', { issuer: 'http://acme.okta.com/oauth2/default' });
    const token = await okta.token(client.client_id, client.client_secret as string);
    const outcome = await broken.access(bearer(token));
    expectRefused(outcome, 500);
    expect(outcome.pdkCalls).toEqual(['kong.response.exit']);
    expect(server.stderr()).toContain('okta-auth: invalid config.issuer: must be an https URL');
  });
});

// Last: it spends the plugin server's overall exchange budget.
describe('a flood of made-up client ids', () => {
  it('caps exchanges overall when every request names another client id, then answers 429', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a full overall budget, whatever ran before
    await okta.control.resetStats();
    const started = Date.now();
    const outcomes = await Promise.all(
      Array.from({ length: 300 }, (_, i) => access({ headers: { authorization: basic(`0oamadeup${i}`, 'guess') } })),
    );
    const seconds = (Date.now() - started) / 1000;
    const limited = outcomes.filter((o) => o.exit?.status === 429);
    expect(outcomes.every((o) => o.exit?.status === 401 || o.exit?.status === 429)).toBe(true);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]?.exit?.headers['retry-after']).toBe('1');
    // The bound, however fast the burst arrived: a second's worth (50) plus what refilled meanwhile.
    expect((await okta.control.stats()).token).toBeLessThanOrEqual(Math.ceil(50 + 50 * seconds));
  });
});
