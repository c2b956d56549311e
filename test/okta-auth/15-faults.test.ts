/**
 * Faults of the services okta-auth depends on, as Kong runs the plugin (the real plugin server over Kong's
 * protocol). The key set and the sidecar are served here by a small HTTP server that relays the local
 * Okta-compatible server's real keys or answers the fault under test; each scenario has its own URL, hence its own
 * key set or lookup cache in the plugin server. Valid traffic with cached material keeps flowing, nothing is
 * proxied that should not be, and each failure is logged once per cause and minute.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KongPluginServerClient, type AccessOutcome, type KongPlugin } from '../../devstack/kong-rpc';
import { startOktaEmulator, type OktaEmulatorFixture } from '../support/okta-emulator';
import { startPluginServer, type RunningPluginServer } from '../support/plugin-server';

type Fault = 'none' | '500' | '429' | 'truncated' | 'not-json' | 'slow' | 'bad-key-among-good' | 'garbage';

let okta: OktaEmulatorFixture;
let server: RunningPluginServer;
let kong: KongPluginServerClient;
let faulty: Server;
let base: string;
/** Fault per scenario (the first path segment). */
const faults = new Map<string, Fault>();
let scenarios = 0;

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

async function relayKeys(res: ServerResponse, fault: Fault): Promise<void> {
  const keys = (await okta.http.get(okta.jwksUri)).data as { keys: unknown[] };
  if (fault === 'bad-key-among-good') {
    const broken = { kty: 'RSA', kid: 'broken', alg: 'RS256', use: 'sig', n: '!!not-base64!!', e: 'AQAB' };
    keys.keys = [broken, ...keys.keys, { kty: 'RSA', kid: 'no-modulus', e: 'AQAB' }];
  }
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'max-age=3600' });
  res.end(JSON.stringify(keys));
}

/** Answers a request of a scenario as its current fault says. */
async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const [, scenario, kind] = (req.url ?? '/').split('/');
  const fault = faults.get(scenario as string) ?? 'none';
  switch (fault) {
    case '500':
    case '429':
      res.writeHead(Number(fault), { 'Content-Type': 'application/json' });
      return void res.end('{"error":"server_error"}');
    case 'truncated':
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return void res.end('{"keys":[{"kty":"RSA","kid":');
    case 'not-json':
    case 'garbage':
      res.writeHead(200, { 'Content-Type': 'text/html' });
      return void res.end('<html>maintenance</html>');
    case 'slow':
      return void setTimeout(() => res.destroy(), 3_000);
    default:
      if (kind === 'keys') return relayKeys(res, fault);
      res.writeHead(404, { 'Content-Type': 'application/json' });
      return void res.end('{"status":404}');
  }
}

interface Scenario {
  plugin: KongPlugin;
  setFault(fault: Fault): void;
}

/** A plugin instance whose key set (or sidecar) is served by the faulty server under a path of its own. */
function scenario(config: Record<string, unknown> = {}, sidecar = false): Scenario {
  scenarios += 1;
  const name = `s${scenarios}`;
  faults.set(name, 'none');
  const plugin = kong.plugin('okta-auth', {
    issuer: okta.issuer,
    jwks_uri: `${base}/${name}/keys`,
    timeout_ms: 500,
    ...(sidecar && { sidecar_url: `${base}/${name}/sidecar`, sidecar_token: 'gateway-token' }),
    ...config,
  });
  return { plugin, setFault: (fault) => faults.set(name, fault) };
}

function expectNotProxied(outcome: AccessOutcome, status: number, message: string): void {
  expect(outcome.proxied).toBe(false);
  expect(outcome.exit?.status).toBe(status);
  expect(outcome.exit?.body).toEqual({ message });
}

const logLines = (pattern: RegExp) => server.stderr().split('\n').filter((line) => pattern.test(line));

beforeAll(async () => {
  okta = await startOktaEmulator();
  server = await startPluginServer();
  kong = await KongPluginServerClient.connect({ socketPath: server.socketPath });
  faulty = createServer((req, res) => void answer(req, res).catch(() => res.destroy()));
  await new Promise<void>((resolve) => faulty.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(faulty.address() as AddressInfo).port}`;
});

afterAll(async () => {
  kong?.close();
  await server?.stop();
  faulty?.closeAllConnections();
  await new Promise((resolve) => faulty?.close(resolve));
  await okta?.stop();
});

describe('the key set endpoint failing', () => {
  it.each([['500'], ['429'], ['truncated'], ['not-json'], ['slow']] as Array<[Fault]>)(
    'keeps accepting tokens of cached keys and answers 503 for a key it must fetch when it answers %s',
    async (fault) => {
      const s = scenario();
      const { token } = await okta.control.sign();
      expect((await s.plugin.access(bearer(token))).proxied).toBe(true);
      s.setFault(fault);
      expect((await s.plugin.access(bearer(token))).proxied).toBe(true);
      // A new kid (valid claims) makes the plugin refetch: the faulted answer cannot be trusted.
      const { token: rotated } = await okta.control.sign({}, { kid: `rotated-${fault}` });
      expectNotProxied(await s.plugin.access(bearer(rotated)), 503, 'Identity provider unavailable');
      expect((await s.plugin.access(bearer(token))).proxied).toBe(true);
    },
  );

  it.each([['500'], ['truncated'], ['not-json'], ['slow']] as Array<[Fault]>)(
    'answers 503 and never proxies when the keys were never fetched and the endpoint answers %s',
    async (fault) => {
      const s = scenario();
      s.setFault(fault);
      const { token } = await okta.control.sign();
      expectNotProxied(await s.plugin.access(bearer(token)), 503, 'Identity provider unavailable');
    },
  );

  it('uses the good keys of a key set that also holds malformed ones', async () => {
    const s = scenario();
    s.setFault('bad-key-among-good');
    const { token } = await okta.control.sign();
    expect((await s.plugin.access(bearer(token))).proxied).toBe(true);
    const { token: broken } = await okta.control.sign({}, { kid: 'broken' });
    expect((await s.plugin.access(bearer(broken))).exit?.status).toBe(401);
  });

  it('logs a failing key set once per cause and minute, however many requests it fails', async () => {
    const s = scenario();
    s.setFault('500');
    const { token } = await okta.control.sign();
    for (let i = 0; i < 20; i++) expectNotProxied(await s.plugin.access(bearer(token)), 503, 'Identity provider unavailable');
    const path = `${base}/s${scenarios}/keys`;
    await server.waitForStderr(new RegExp(`"event":"idp_unavailable","reason":"${path} answered 500"`));
    expect(logLines(new RegExp(`${path} answered 500`))).toHaveLength(1);
  });
});

describe('the sidecar failing', () => {
  it.each([['garbage'], ['500'], ['slow']] as Array<[Fault]>)(
    'answers 503 and never proxies a client it never looked up when the sidecar answers %s',
    async (fault) => {
      const s = scenario({}, true);
      s.setFault('none');
      const { token } = await okta.control.sign();
      // Keys first (the sidecar path of this scenario is faulted, not its key set).
      expect((await s.plugin.access(bearer(token))).exit?.status).toBe(403);
      s.setFault(fault);
      const { token: newcomer } = await okta.control.sign({ cid: `0oa-new-${fault}`, client_id: `0oa-new-${fault}` });
      expectNotProxied(await s.plugin.access(bearer(newcomer)), 503, 'Application directory unavailable');
    },
  );

  it('logs a failing sidecar once per cause and minute, whichever clients it was asked about', async () => {
    const s = scenario({}, true);
    const { token } = await okta.control.sign();
    expect((await s.plugin.access(bearer(token))).exit?.status).toBe(403);
    s.setFault('500');
    for (let i = 0; i < 10; i++) {
      const { token: other } = await okta.control.sign({ cid: `0oa-flood-${i}`, client_id: `0oa-flood-${i}` });
      expectNotProxied(await s.plugin.access(bearer(other)), 503, 'Application directory unavailable');
    }
    const sidecar = `${base}/s${scenarios}/sidecar`;
    await server.waitForStderr(new RegExp(`"event":"directory_unavailable","reason":"${sidecar}/v2/internal`));
    expect(logLines(new RegExp(`"reason":"${sidecar}/v2/internal/applications/by-client-id/0oa-flood-\\d+ answered 500`))).toHaveLength(1);
  });
});
