/**
 * Differential check against Okta's own verifier (@okta/jwt-verifier 4): valid tokens of the local Okta-compatible
 * server, each changed by one mutation, decided by the plugin (in the real plugin server, over Kong's protocol) and
 * by OktaJwtVerifier with the same issuer, audience and required scope. Okta's verifier has no clock tolerance, so
 * the plugin runs with leeway 0. Prints agreement per class; fails on any disagreement not listed with its reason.
 */
import OktaJwtVerifier = require('@okta/jwt-verifier');
import type { JsonWebKey } from 'node:crypto';
import { KongPluginServerClient, type KongPlugin } from '../../devstack/kong-rpc';
import { startOktaEmulator, type OktaEmulatorFixture } from '../support/okta-emulator';
import { startPluginServer, type RunningPluginServer } from '../support/plugin-server';
import { hs256WithPublicKey, tamperPayload, unsignedToken, withSpareSignatureBitChanged } from '../support/tokens';

let okta: OktaEmulatorFixture;
let server: RunningPluginServer;
let kong: KongPluginServerClient;
let plugin: KongPlugin;
let oktaVerifier: OktaJwtVerifier;
let publicJwk: JsonWebKey;

interface Case {
  kind: string;
  name: string;
  token(): Promise<string>;
}

/**
 * Tokens Okta's verifier cannot be asked about: njwt throws an uncaught TypeError from a callback on an empty
 * signature (base64urlUnescape of undefined), which would crash the test process. Counted as refused by it.
 */
const CRASHES_OKTA_VERIFIER = (token: string) => token.endsWith('.');

/** Where the two verifiers are expected to differ, and why; every other case must agree. */
const KNOWN_DISAGREEMENTS: Record<string, string> = {
  'claim type: exp as a numeric string': 'njwt coerces exp; the plugin requires registered claims of their registered types',
  'claim type: iat as a string': 'njwt ignores iat; the plugin requires iat, a number',
  'claim type: aud an array with a number beside the audience': 'the plugin requires aud to be a string or an array of strings',
  'claim value: no exp': 'njwt treats a token without exp as never expiring; the plugin requires exp',
  'claim value: no iat': 'njwt ignores iat; the plugin requires it',
  'claim value: no client id claim (cid, client_id)': 'the plugin must name the client (credential_claim); Okta only verifies',
  'claim value: scp as a string naming the scope': "assertClaims' includes matches a substring of a string; the plugin reads scopes from an scp array or a space-separated scope",
  'claim value: scp as a string containing the scope inside a longer word': "assertClaims' includes matches a substring; the plugin compares whole scopes",
  'time: iat 1 s in the future': 'njwt ignores iat; the plugin refuses a token issued after now + leeway',
  'header: jku': 'the plugin refuses a token that points at its own key; njwt ignores the header (it uses the JWKS anyway)',
  'header: x5u': 'the plugin refuses a token that points at its own key; njwt ignores the header',
  'encoding: signature with a spare-bit change': 'the plugin accepts only the canonical base64url of the signature; njwt decodes leniently',
};

const seconds = () => Math.ceil(Date.now() / 1000);
const sign = async (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) => (await okta.control.sign(claims, header)).token;
const parts = (token: string) => token.split('.') as [string, string, string];
const decoded = (token: string, index: 0 | 1) => JSON.parse(Buffer.from(parts(token)[index], 'base64url').toString()) as Record<string, unknown>;

function withHeader(token: string, changes: Record<string, unknown>): string {
  const [, payload, signature] = parts(token);
  return `${Buffer.from(JSON.stringify({ ...decoded(token, 0), ...changes })).toString('base64url')}.${payload}.${signature}`;
}

function corpus(): Case[] {
  const c = (kind: string, name: string, token: () => Promise<string>): Case => ({ kind, name: `${kind}: ${name}`, token });
  return [
    c('control', 'the valid token', () => sign()),
    c('header', 'alg RS512, validly signed', () => sign({}, { alg: 'RS512' })),
    c('header', 'alg PS256, validly signed', () => sign({}, { alg: 'PS256' })),
    c('header', 'alg none', async () => {
      const t = await sign();
      return unsignedToken(decoded(t, 0), decoded(t, 1));
    }),
    c('header', 'alg HS256 with the public key', async () => {
      const t = await sign();
      return hs256WithPublicKey(publicJwk, decoded(t, 0), decoded(t, 1));
    }),
    c('header', 'unknown kid', () => sign({}, { kid: 'not-published' })),
    c('header', 'no kid', () => sign({}, { kid: null })),
    c('header', 'typ application/okta-internal-at+jwt', () => sign({}, { typ: 'application/okta-internal-at+jwt' })),
    c('header', 'typ JWT', () => sign({}, { typ: 'JWT' })),
    c('header', 'an unknown member', () => sign({}, { foo: 'bar' })),
    c('header', 'jku', () => sign({}, { jku: 'https://evil.example.com/keys' })),
    c('header', 'x5u', () => sign({}, { x5u: 'https://evil.example.com/cert' })),
    c('header', 'crit', async () => withHeader(await sign(), { crit: ['urn:x'], 'urn:x': 1 })),
    c('claim type', 'exp as a numeric string', () => sign({ exp: String(seconds() + 3600) })),
    c('claim type', 'iat as a string', () => sign({ iat: String(seconds()) })),
    c('claim type', 'aud as a number', () => sign({ aud: 42 })),
    c('claim type', 'aud an array with a number beside the audience', () => sign({ aud: ['api://default', 42] })),
    c('claim type', 'iss as a number', () => sign({ iss: 42 })),
    c('claim value', 'another issuer', () => sign({ iss: 'https://evil.example.com/oauth2/default' })),
    c('claim value', 'the issuer with a trailing slash', () => sign({ iss: `${okta.issuer}/` })),
    c('claim value', 'another audience', () => sign({ aud: 'api://other' })),
    c('claim value', 'aud an array holding the audience', () => sign({ aud: ['api://other', 'api://default'] })),
    c('claim value', 'no exp', () => sign({ exp: null })),
    c('claim value', 'no iat', () => sign({ iat: null })),
    c('claim value', 'no client id claim (cid, client_id)', () => sign({ cid: null, client_id: null })),
    c('claim value', 'scp without the required scope', () => sign({ scp: ['api:write'] })),
    c('claim value', 'scp with extra scopes', () => sign({ scp: ['api:read', 'api:write'] })),
    c('claim value', 'scp as a string naming the scope', () => sign({ scp: 'api:read' })),
    c('claim value', 'scp as a string containing the scope inside a longer word', () => sign({ scp: 'xapi:readx' })),
    c('time', 'exp 1 s ago', () => sign({ exp: seconds() - 1 })),
    c('time', 'exp in 2 s', () => sign({ exp: seconds() + 2 })),
    c('time', 'nbf 1 s ago', () => sign({ nbf: seconds() - 1 })),
    c('time', 'nbf in 2 s', () => sign({ nbf: seconds() + 2 })),
    c('time', 'iat 1 s ago', () => sign({ iat: seconds() - 1 })),
    c('time', 'iat 1 s in the future', () => sign({ iat: seconds() + 2 })),
    c('signature', 'one byte changed', async () => {
      const t = await sign();
      const bytes = Buffer.from(parts(t)[2], 'base64url');
      bytes[0] = (bytes[0] as number) ^ 0x01;
      return `${parts(t)[0]}.${parts(t)[1]}.${bytes.toString('base64url')}`;
    }),
    c('signature', 'truncated', async () => (await sign()).slice(0, -8)),
    c('signature', 'empty', async () => `${parts(await sign()).slice(0, 2).join('.')}.`),
    c('signature', 'payload changed under it', async () => tamperPayload(await sign(), { scp: ['api:read', 'admin'] })),
    c('encoding', 'signature with a spare-bit change', async () => withSpareSignatureBitChanged(await sign())),
    c('encoding', 'padded payload segment', async () => {
      const [h, p, s] = parts(await sign());
      return `${h}.${p}=.${s}`;
    }),
    c('kid', 'the kid of a key that does not sign', async () => {
      const next = await okta.control.nextKey();
      return sign({}, { kid: next.keys.find((k) => k.status === 'NEXT')?.kid });
    }),
  ];
}

async function oktaAccepts(token: string): Promise<boolean> {
  if (CRASHES_OKTA_VERIFIER(token)) return false;
  try {
    await oktaVerifier.verifyAccessToken(token, 'api://default');
    return true;
  } catch {
    return false;
  }
}

async function pluginAccepts(token: string): Promise<boolean> {
  const outcome = await plugin.access({ headers: { authorization: `Bearer ${token}` } });
  if (outcome.proxied) return true;
  expect([401, 403]).toContain(outcome.exit?.status);
  return false;
}

beforeAll(async () => {
  okta = await startOktaEmulator();
  server = await startPluginServer();
  kong = await KongPluginServerClient.connect({ socketPath: server.socketPath });
  plugin = kong.plugin('okta-auth', { issuer: okta.issuer, scopes_required: ['api:read'], leeway: 0 });
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined); // the verifier warns about http
  oktaVerifier = new OktaJwtVerifier({ issuer: okta.issuer, jwksUri: okta.jwksUri, testing: { disableHttpsCheck: true }, assertClaims: { 'scp.includes': ['api:read'] } });
  warn.mockRestore();
  const { keys } = (await okta.http.get(okta.jwksUri)).data as { keys: JsonWebKey[] };
  publicJwk = keys[0] as JsonWebKey;
});

afterAll(async () => {
  kong?.close();
  await server?.stop();
  await okta?.stop();
});

it('agrees with @okta/jwt-verifier on every mutation except the listed ones', async () => {
  const rows: Array<{ kind: string; name: string; plugin: boolean; okta: boolean }> = [];
  for (const mutation of corpus()) {
    const token = await mutation.token();
    const [byPlugin, byOkta] = await Promise.all([pluginAccepts(token), oktaAccepts(token)]);
    rows.push({ kind: mutation.kind, name: mutation.name, plugin: byPlugin, okta: byOkta });
  }
  const perClass = new Map<string, { agree: number; total: number }>();
  for (const row of rows) {
    const entry = perClass.get(row.kind) ?? { agree: 0, total: 0 };
    entry.total += 1;
    if (row.plugin === row.okta) entry.agree += 1;
    perClass.set(row.kind, entry);
  }
  const report = [...perClass].map(([kind, { agree, total }]) => `${kind}: ${agree}/${total} agree`);
  const disagreements = rows.filter((row) => row.plugin !== row.okta);
  process.stdout.write(
    `differential check against @okta/jwt-verifier:\n  ${report.join('\n  ')}\n` +
      disagreements.map((row) => `  differs: ${row.name} (plugin ${row.plugin ? 'accepts' : 'refuses'}, okta ${row.okta ? 'accepts' : 'refuses'})`).join('\n') +
      '\n',
  );

  expect(disagreements.filter((row) => !(row.name in KNOWN_DISAGREEMENTS)).map((row) => row.name)).toEqual([]);
  // A listed disagreement that no longer happens is a stale reason.
  expect(Object.keys(KNOWN_DISAGREEMENTS).filter((name) => !disagreements.some((row) => row.name === name))).toEqual([]);
  // The plugin never accepts what Okta's verifier refuses.
  expect(disagreements.filter((row) => row.plugin && !row.okta).map((row) => row.name)).toEqual([]);
  expect(rows.filter((row) => row.plugin || row.okta).length).toBeGreaterThanOrEqual(rows.length / 3);
}, 120_000);
