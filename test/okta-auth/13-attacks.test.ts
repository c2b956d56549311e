/**
 * The attack corpus, as Kong runs the plugin: the bundled plugin in the real plugin server, driven over Kong's
 * protocol, against its own local Okta-compatible server (its own issuer, so its key fetches are counted alone).
 * Every attack is refused with 401, and none whose claims already fail makes the plugin fetch keys. The corpus runs
 * once cold and once after each attack's valid original was accepted (hence in the verified-token cache).
 */
import type { JsonWebKey } from 'node:crypto';
import { KongPluginServerClient, type GatewayRequest, type KongPlugin } from '../../devstack/kong-rpc';
import { startOktaEmulator, type OktaEmulatorFixture } from '../support/okta-emulator';
import { startPluginServer, type RunningPluginServer } from '../support/plugin-server';
import { hs256WithPublicKey, unsignedToken, withSpareSignatureBitChanged } from '../support/tokens';

let okta: OktaEmulatorFixture;
let server: RunningPluginServer;
let kong: KongPluginServerClient;
let plugin: KongPlugin;
let publicJwk: JsonWebKey;

const b64url = (text: string) => Buffer.from(text).toString('base64url');
const bearer = (token: string): GatewayRequest => ({ headers: { authorization: `Bearer ${token}` } });

interface Attack {
  name: string;
  /** True when the token's claims (or its shape) already fail: the plugin must not fetch keys for it. */
  claimsFail: boolean;
  request(original: string): Promise<GatewayRequest> | GatewayRequest;
}

function parts(token: string): [string, string, string] {
  return token.split('.') as [string, string, string];
}

function withSignature(token: string, signature: string): string {
  const [head, payload] = parts(token);
  return `${head}.${payload}.${signature}`;
}

/** The original's header and payload JSON with `edit` applied to the text, the original signature kept. */
function rewritten(token: string, edit: (headerJson: string, payloadJson: string) => [string, string]): string {
  const [head, payload, signature] = parts(token);
  const [headerJson, payloadJson] = edit(Buffer.from(head, 'base64url').toString(), Buffer.from(payload, 'base64url').toString());
  return `${b64url(headerJson)}.${b64url(payloadJson)}.${signature}`;
}

const decoded = (token: string, index: 0 | 1) => JSON.parse(Buffer.from(parts(token)[index], 'base64url').toString()) as Record<string, unknown>;
const signedWith = async (header: Record<string, unknown>, claims: Record<string, unknown> = {}) => bearer((await okta.control.sign(claims, header)).token);
const now = () => Math.floor(Date.now() / 1000);

const ATTACKS: Attack[] = [
  { name: 'alg none', claimsFail: true, request: (t) => bearer(unsignedToken(decoded(t, 0), decoded(t, 1))) },
  { name: 'alg None', claimsFail: true, request: (t) => bearer(rewritten(t, (h, p) => [h.replace('"RS256"', '"None"'), p])) },
  { name: 'HS256 signed with the RSA public key', claimsFail: true, request: (t) => bearer(hs256WithPublicKey(publicJwk, decoded(t, 0), decoded(t, 1))) },
  { name: 'RS512, validly signed', claimsFail: true, request: () => signedWith({ alg: 'RS512' }) },
  { name: 'PS256, validly signed', claimsFail: true, request: () => signedWith({ alg: 'PS256' }) },
  {
    name: 'ES256 with a zero signature',
    claimsFail: true,
    request: (t) => bearer(withSignature(rewritten(t, (h, p) => [h.replace('"RS256"', '"ES256"'), p]), b64url('\0'.repeat(64)))),
  },
  { name: 'kid with a path', claimsFail: false, request: () => signedWith({ kid: '../../../../etc/passwd' }) },
  { name: 'kid with SQL', claimsFail: false, request: () => signedWith({ kid: "' OR 1=1 --" }) },
  { name: 'kid with a NUL', claimsFail: false, request: () => signedWith({ kid: 'key\u0000id' }) },
  { name: 'jku header', claimsFail: true, request: () => signedWith({ jku: 'https://evil.example.com/keys' }) },
  { name: 'x5u header', claimsFail: true, request: () => signedWith({ x5u: 'https://evil.example.com/cert.pem' }) },
  { name: 'jwk header', claimsFail: true, request: () => signedWith({ jwk: publicJwk }) },
  { name: 'x5c header', claimsFail: true, request: () => signedWith({ x5c: ['MIIB'] }) },
  // jose will not sign an unknown critical extension: the original's header gains one (refused before any key use).
  { name: 'crit header', claimsFail: true, request: (t) => bearer(rewritten(t, (h, p) => [h.replace(/}$/, ',"crit":["urn:x-evil"],"urn:x-evil":1}'), p])) },
  { name: 'empty signature', claimsFail: false, request: (t) => bearer(withSignature(t, '')) },
  { name: 'truncated signature', claimsFail: false, request: (t) => bearer(t.slice(0, -12)) },
  { name: 'padded signature', claimsFail: false, request: (t) => bearer(`${t}==`) },
  { name: 'signature with a spare-bit change', claimsFail: false, request: (t) => bearer(withSpareSignatureBitChanged(t)) },
  {
    name: 'altered signature byte',
    claimsFail: false,
    request: (t) => {
      const bytes = Buffer.from(parts(t)[2], 'base64url');
      bytes[7] = (bytes[7] as number) ^ 0x80;
      return bearer(withSignature(t, bytes.toString('base64url')));
    },
  },
  { name: 'signature of another token', claimsFail: false, request: async (t) => bearer(withSignature(t, parts((await okta.control.sign()).token)[2])) },
  { name: 'whitespace inside the token', claimsFail: true, request: (t) => bearer(`${t.slice(0, 20)} ${t.slice(20)}`) },
  { name: 'a tab before the token', claimsFail: true, request: (t) => ({ headers: { authorization: `Bearer\t${t}` } }) },
  { name: 'two tokens in one header', claimsFail: true, request: (t) => ({ headers: { authorization: `Bearer ${t} Bearer ${t}` } }) },
  { name: 'two tokens comma-separated', claimsFail: true, request: (t) => ({ headers: { authorization: `Bearer ${t}, Bearer ${t}` } }) },
  { name: 'two Authorization headers', claimsFail: true, request: (t) => ({ headers: { authorization: [`Bearer ${t}`, `Bearer ${t}`] } }) },
  { name: 'duplicate claim (a second sub)', claimsFail: false, request: (t) => bearer(rewritten(t, (h, p) => [h, p.replace(/}$/, ',"sub":"admin"}')])) },
  { name: 'duplicate header member (a second alg)', claimsFail: true, request: (t) => bearer(rewritten(t, (h, p) => [h.replace(/}$/, ',"alg":"none"}'), p])) },
  { name: 'exp as a string', claimsFail: true, request: () => signedWith({}, { exp: String(now() + 3600) }) },
  { name: 'aud as a number', claimsFail: true, request: () => signedWith({}, { aud: 42 }) },
  { name: 'iss as an object', claimsFail: true, request: () => signedWith({}, { iss: { toString: 'x' } }) },
  { name: 'nbf as a boolean', claimsFail: true, request: () => signedWith({}, { nbf: true }) },
  { name: 'a huge token', claimsFail: true, request: (t) => bearer(`${t}${'A'.repeat(9000)}`) },
  { name: 'a huge payload, validly signed', claimsFail: true, request: () => signedWith({}, { padding: 'x'.repeat(7000) }) },
  {
    name: 'more headers than the plugin can see',
    claimsFail: true,
    request: (t) => ({ headers: { ...bearer(t).headers, ...Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`x-h-${i}`, 'v'])) } }),
  },
  { name: 'header segment not JSON', claimsFail: true, request: (t) => bearer(`${b64url('not json')}.${parts(t)[1]}.${parts(t)[2]}`) },
  { name: 'payload segment not JSON', claimsFail: true, request: (t) => bearer(`${parts(t)[0]}.${b64url('{"iss":')}.${parts(t)[2]}`) },
  { name: 'payload a JSON array', claimsFail: true, request: (t) => bearer(`${parts(t)[0]}.${b64url('[1,2]')}.${parts(t)[2]}`) },
  { name: 'payload JSON null', claimsFail: true, request: (t) => bearer(`${parts(t)[0]}.${b64url('null')}.${parts(t)[2]}`) },
  { name: 'two segments only', claimsFail: true, request: (t) => bearer(`${parts(t)[0]}.${parts(t)[1]}`) },
];

beforeAll(async () => {
  okta = await startOktaEmulator();
  server = await startPluginServer();
  kong = await KongPluginServerClient.connect({ socketPath: server.socketPath });
  plugin = kong.plugin('okta-auth', { issuer: okta.issuer });
  const { keys } = (await okta.http.get(okta.jwksUri)).data as { keys: Array<JsonWebKey & { kid: string }> };
  publicJwk = keys[0] as JsonWebKey;
  // The key set is loaded once: what follows counts only the fetches attacks cause.
  expect((await plugin.access(bearer((await okta.control.sign()).token))).proxied).toBe(true);
});

afterAll(async () => {
  kong?.close();
  await server?.stop();
  await okta?.stop();
});

describe.each([
  ['cold', false],
  ['after its valid original was accepted and cached', true],
])('the attack corpus, %s', (_phase, originalCached) => {
  it.each(ATTACKS.map((attack) => [attack.name, attack] as const))('returns 401 for %s', async (_name, attack) => {
    const { token: original } = await okta.control.sign();
    if (originalCached) expect((await plugin.access(bearer(original))).proxied).toBe(true);
    const request = await attack.request(original);
    await okta.control.resetStats();
    const outcome = await plugin.access(request);
    expect(outcome.proxied).toBe(false);
    expect(outcome.exit?.status).toBe(401);
    expect(outcome.upstreamHeaders['x-credential-identifier']).toBeUndefined();
    const fetches = (await okta.control.stats()).keys;
    if (attack.claimsFail) expect(fetches).toBe(0);
    else expect(fetches).toBeLessThanOrEqual(1);
  });
});

describe('an unknown-kid flood', () => {
  it('returns 401 to every token and fetches the key set at most once per cooldown', async () => {
    await new Promise((resolve) => setTimeout(resolve, 10_100)); // past any cooldown the corpus started
    await okta.control.resetStats();
    const tokens = await Promise.all(Array.from({ length: 60 }, (_, i) => okta.control.sign({}, { kid: `flood-${i}` })));
    const outcomes = await Promise.all(tokens.map(({ token }) => plugin.access(bearer(token))));
    expect(outcomes.every((outcome) => outcome.exit?.status === 401)).toBe(true);
    expect((await okta.control.stats()).keys).toBe(1);
  });
});
