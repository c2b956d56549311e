/**
 * The verified-token cache and the registered claims' types, as Kong runs the plugin: the bundled plugin in the
 * real plugin server, driven over Kong's protocol, against the local Okta-compatible server. A cached token skips
 * only its signature check: these tests replay tokens the plugin accepted before and expect every other check.
 */
import { KongPluginServerClient, type AccessOutcome, type KongPlugin } from '../../devstack/kong-rpc';
import { startOktaEmulator, type OktaEmulatorFixture } from '../support/okta-emulator';
import { startPluginServer, type RunningPluginServer } from '../support/plugin-server';

let okta: OktaEmulatorFixture;
let server: RunningPluginServer;
let kong: KongPluginServerClient;
let plugin: KongPlugin;
const extraEmulators: OktaEmulatorFixture[] = [];

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function challenge(outcome: AccessOutcome): string {
  return String(outcome.exit?.headers['www-authenticate']);
}

function expectRefused(outcome: AccessOutcome, status: number, description?: RegExp): void {
  expect(outcome.proxied).toBe(false);
  expect(outcome.exit?.status).toBe(status);
  if (description) expect(challenge(outcome)).toMatch(description);
}

/** The same token with one byte of its signature changed (decoded, flipped, encoded again). */
function withSignatureByteChanged(token: string, index: number): string {
  const [head, payload, signature] = token.split('.') as [string, string, string];
  const bytes = Buffer.from(signature, 'base64url');
  bytes[index] = (bytes[index] as number) ^ 0x01;
  return `${head}.${payload}.${bytes.toString('base64url')}`;
}

beforeAll(async () => {
  okta = await startOktaEmulator();
  server = await startPluginServer();
  kong = await KongPluginServerClient.connect({ socketPath: server.socketPath });
  plugin = kong.plugin('okta-auth', { issuer: okta.issuer });
});

afterAll(async () => {
  kong?.close();
  await server?.stop();
  await Promise.all([okta, ...extraEmulators].map((emulator) => emulator?.stop()));
});

describe('verified-token cache', () => {
  it('returns 401 for an accepted token replayed with one signature byte changed', async () => {
    const { token } = await okta.control.sign();
    expect((await plugin.access(bearer(token))).proxied).toBe(true);
    for (const index of [0, 128, 255]) {
      expectRefused(await plugin.access(bearer(withSignatureByteChanged(token, index))), 401, /invalid signature/);
    }
    expect((await plugin.access(bearer(token))).proxied).toBe(true);
  });

  it('returns 403 for a cached token on an instance whose scopes_required it lacks', async () => {
    const { token } = await okta.control.sign({ scp: ['api:read'] });
    expect((await plugin.access(bearer(token))).proxied).toBe(true);
    const scoped = kong.plugin('okta-auth', { issuer: okta.issuer, scopes_required: ['api:write'] });
    expectRefused(await scoped.access(bearer(token)), 403, /error="insufficient_scope"/);
  });

  it('returns 401 for a cached token on an instance of another audience or credential claim', async () => {
    const { token } = await okta.control.sign({ cid: null, client_id: 'the-client' });
    expect((await plugin.access(bearer(token))).proxied).toBe(true);
    const otherAudience = kong.plugin('okta-auth', { issuer: okta.issuer, audiences: ['api://other'] });
    expectRefused(await otherAudience.access(bearer(token)), 401, /unexpected audience/);
    const cidOnly = kong.plugin('okta-auth', { issuer: okta.issuer, credential_claim: ['cid'] });
    expectRefused(await cidOnly.access(bearer(token)), 401, /no client id claim/);
  });

  it('returns 401 for a cached token once it is past exp', async () => {
    const strict = kong.plugin('okta-auth', { issuer: okta.issuer, leeway: 0 });
    const now = Math.floor(Date.now() / 1000);
    const { token } = await okta.control.sign({ iat: now, exp: now + 2 });
    expect((await strict.access(bearer(token))).proxied).toBe(true);
    await sleep(3_100);
    expectRefused(await strict.access(bearer(token)), 401, /token expired/);
  });

  it('refuses a cached token once its key left the key set, after the refresh', async () => {
    const own = await startOktaEmulator();
    extraEmulators.push(own);
    const rotating = kong.plugin('okta-auth', { issuer: own.issuer });
    const { token, header } = await own.control.sign();
    expect((await rotating.access(bearer(token))).proxied).toBe(true);

    await own.control.emergencyRotate();
    await own.control.removeKey(header.kid as string);
    // A token of the new key makes the plugin refetch the key set, which no longer holds the old key.
    const { token: fresh } = await own.control.sign();
    expect((await rotating.access(bearer(fresh))).proxied).toBe(true);
    expectRefused(await rotating.access(bearer(token)), 401, /unknown signing key/);
  });
});

describe('registered claims of the wrong type', () => {
  const now = Math.floor(Date.now() / 1000);
  it.each([
    ['exp as a string', { exp: String(now + 3600) }, /exp must be a number/],
    ['exp missing', { exp: null }, /exp must be a number/],
    ['nbf as a string', { nbf: String(now - 10) }, /nbf must be a number/],
    ['iat as a string', { iat: String(now) }, /iat must be a number/],
    ['iat as a boolean', { iat: true }, /iat must be a number/],
    ['aud as a number', { aud: 5 }, /aud must be a string or an array of strings/],
    ['aud as an array holding a number beside the audience', { aud: ['api://default', 5] }, /aud must be a string or an array/],
    ['aud as an object', { aud: { 0: 'api://default' } }, /aud must be a string or an array/],
    ['iss as a number', { iss: 12 }, /iss must be a string/],
  ])('returns 401 for a signed token with %s', async (_what, claims, description) => {
    const signed = await okta.control.sign(claims);
    expectRefused(await plugin.access(bearer(signed.token)), 401, description);
  });

  it('accepts a cached token of several audiences on an instance of another of them', async () => {
    const signed = await okta.control.sign({ aud: ['api://default', 'api://other'] });
    expect((await plugin.access(bearer(signed.token))).proxied).toBe(true);
    const other = kong.plugin('okta-auth', { issuer: okta.issuer, audiences: ['api://other'] });
    expect((await other.access(bearer(signed.token))).proxied).toBe(true);
  });
});
