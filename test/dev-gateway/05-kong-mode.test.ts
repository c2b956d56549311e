/**
 * The dev gateway's Kong mode (its default): what Kong 3.9 does with plugins, serverless Lua and plugin-server
 * failures (devstack/gateway/README.md cites the lines), and the ground truth of the guard in kong.yml: what
 * reaches the upstream while the plugin server is killed mid-traffic and respawned.
 */
import fs = require('node:fs');
import os = require('node:os');
import path = require('node:path');
import axios from 'axios';
import { parse, stringify } from 'yaml';
import { startDemoUpstream, type DemoUpstream, type EchoedRequest } from '../../devstack/demo-upstream';
import { startDevGateway, type DevGateway } from '../../devstack/gateway';
import { RESPAWN_INTERVAL_MS, supervisePluginServer, type SupervisedPluginServer } from '../../devstack/kong-rpc';
import { IDENTITY_HEADERS } from '../../plugins/okta-auth/upstream';
import { startOktaEmulator, type OktaEmulatorFixture } from '../support/okta-emulator';
import { FIXTURE_PLUGINS, HARDENED_PLUGIN_SERVER, startPluginServer, type RunningPluginServer } from '../support/plugin-server';
import { tamperPayload } from '../support/tokens';

const ROOT = path.resolve(__dirname, '../..');
const http_ = axios.create({ validateStatus: () => true, proxy: false });
const TAG = 'x-test-request-id';

let dir: string;
let upstream: DemoUpstream;
/** Ids of the requests that reached the upstream: the ground truth. */
const reached = new Set<string>();
let logs: string[];
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kong-mode-'));
  upstream = await startDemoUpstream({ port: 0, onRequest: (request: EchoedRequest) => reached.add(String(request.headers[TAG])) });
});

beforeEach(() => {
  logs = [];
});

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

afterAll(async () => {
  await upstream?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function gatewayWith(yml: string, socketPath: string, env: NodeJS.ProcessEnv = {}): Promise<DevGateway> {
  const file = path.join(dir, `kong-${Date.now()}-${Math.random()}.yml`);
  fs.writeFileSync(file, yml);
  const gateway = await startDevGateway({ port: 0, declarativeConfigPath: file, pluginServerSocket: socketPath, env, log: (line) => logs.push(line) });
  closers.push(() => gateway.close());
  return gateway;
}

async function fixtureServer(): Promise<RunningPluginServer> {
  const server = await startPluginServer({ fixtures: ['header-gate'] });
  closers.push(() => server.stop());
  return server;
}

/** One service and route with these plugins (YAML lines under `plugins:`). */
const routeWith = (plugins: string[]): string =>
  [
    '_format_version: "3.0"',
    'services:',
    '  - name: s',
    `    url: ${upstream.url}`,
    '    routes: [{ name: r, paths: [/r] }]',
    '    plugins:',
    ...plugins.map((line) => `      ${line}`),
  ].join('\n');

const lua = (plugin: string, code: string): string[] => [`- name: ${plugin}`, `  config: { access: [${JSON.stringify(code)}] }`];

describe('dev gateway in Kong mode', () => {
  it('runs pre-function first and post-function last, and get_header sees what earlier plugins set and cleared', async () => {
    const server = await fixtureServer();
    const gateway = await gatewayWith(
      routeWith([
        ...lua('post-function', 'return function() if kong.request.get_header("X-Gate") ~= "passed" or kong.request.get_header("X-Api-Key") ~= nil then return kong.response.exit(500, { message = "unseen" }) end end'),
        '- name: header-gate',
        ...lua('pre-function', 'return function() kong.service.request.set_header("X-Api-Key", "from-lua") end'),
      ]),
      server.socketPath,
    );

    const response = await http_.get(`${gateway.url}/r`, { headers: { [TAG]: 'ordered' } });

    expect(response.status).toBe(200);
    expect((response.data as EchoedRequest).headers).toMatchObject({ 'x-gate': 'passed', 'x-key-length': '8' });
    expect((response.data as EchoedRequest).headers['x-api-key']).toBeUndefined();
  });

  it("answers a Lua kong.response.exit and skips the remaining plugins and the proxy", async () => {
    const server = await fixtureServer();
    const gateway = await gatewayWith(
      routeWith(['- name: header-gate', ...lua('pre-function', 'return function() return kong.response.exit(418, { message = "teapot" }) end')]),
      server.socketPath,
    );

    const response = await http_.get(`${gateway.url}/r`, { headers: { [TAG]: 'lua-exit', 'x-api-key': 'k' } });

    expect([response.status, response.data]).toEqual([418, { message: 'teapot' }]);
    expect(reached.has('lua-exit')).toBe(false);
  });

  it("returns Kong's 500 for a Lua error and logs it at err", async () => {
    const server = await fixtureServer();
    const gateway = await gatewayWith(routeWith(lua('pre-function', 'return function() error("guard broke") end')), server.socketPath);

    const response = await http_.get(`${gateway.url}/r`, { headers: { [TAG]: 'lua-error' } });

    expect([response.status, response.data]).toEqual([500, { message: 'An unexpected error occurred' }]);
    expect(reached.has('lua-error')).toBe(false);
    expect(logs.some((line) => /\[pre-function\] err: .*guard broke/.test(line))).toBe(true);
  });

  it('refuses to start, as Kong refuses the file, when serverless code does not parse or is for a phase it does not run', async () => {
    const server = await fixtureServer();
    await expect(gatewayWith(routeWith(lua('pre-function', 'return function(')), server.socketPath)).rejects.toThrow(
      /services\[0\]\.plugins\[0\]\.config\.access\[0\]: error parsing pre-function: /,
    );
    await expect(gatewayWith(routeWith(['- name: post-function', '  config: { log: ["return function() end"] }']), server.socketPath)).rejects.toThrow(
      /services\[0\]\.plugins\[0\]\.config\.log: the dev gateway runs the access phase only/,
    );
  });

  it('returns 500 when StartInstance fails (the plugin server is gone before the first request)', async () => {
    const server = await fixtureServer();
    const gateway = await gatewayWith(routeWith(['- name: header-gate']), server.socketPath);
    await server.stop();

    const response = await http_.get(`${gateway.url}/r`, { headers: { [TAG]: 'no-start', 'x-api-key': 'k' } });

    expect(response.status).toBe(500);
    expect(reached.has('no-start')).toBe(false);
  });

  it('logs an RPC error with a cached instance id and proxies the request anyway, as Kong does without the guard', async () => {
    const server = await fixtureServer();
    const gateway = await gatewayWith(routeWith(['- name: header-gate']), server.socketPath);
    expect((await http_.get(`${gateway.url}/r`, { headers: { 'x-api-key': 'k' } })).status).toBe(200);
    await server.stop();

    const response = await http_.get(`${gateway.url}/r`, { headers: { [TAG]: 'fail-open' } });

    expect(response.status).toBe(200);
    expect(reached.has('fail-open')).toBe(true);
    expect(logs.some((line) => /\[header-gate\] err: .*goes on with the request/.test(line))).toBe(true);
  });

  it('respawns a dead plugin server, never twice within a second', async () => {
    const prefix = fs.mkdtempSync(path.join(dir, 'p-'));
    const supervised = await supervisePluginServer({ command: HARDENED_PLUGIN_SERVER, pluginsDir: path.join(FIXTURE_PLUGINS, 'header-gate'), prefix });
    closers.push(() => supervised.stop());
    const first = supervised.current()!;

    for (let kill = 0; kill < 2; kill += 1) {
      const next = supervised.nextSpawn();
      process.kill(supervised.current()!.pid, 'SIGKILL');
      await next;
    }

    const starts = supervised.startTimes();
    expect(starts).toHaveLength(3);
    expect(supervised.current()!.pid).not.toBe(first.pid);
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(RESPAWN_INTERVAL_MS);
  });
});

describe("kong.yml's guard, ground truth: the plugin server killed mid-traffic and respawned", () => {
  let okta: OktaEmulatorFixture;
  let server: SupervisedPluginServer;
  let gateway: DevGateway;
  let token: string;

  beforeAll(async () => {
    okta = await startOktaEmulator();
    const client = await okta.dcr.createClient();
    token = await okta.token(client.client_id, client.client_secret as string);
    server = await supervisePluginServer({
      command: HARDENED_PLUGIN_SERVER,
      pluginsDir: path.join(ROOT, 'dist/kong-plugins'),
      prefix: fs.mkdtempSync(path.join(dir, 'p-')),
      log: (line) => logs.push(line),
    });
    // The repository's kong.yml, guard and all, pointed at this test's upstream and without the sidecar.
    const yml = parse(fs.readFileSync(path.join(ROOT, 'kong.yml'), 'utf8')) as {
      services: Array<{ url: string; plugins: Array<{ name: string; config: Record<string, unknown> }> }>;
    };
    yml.services[0]!.url = upstream.url;
    const okta_ = yml.services[0]!.plugins.find((p) => p.name === 'okta-auth')!;
    for (const field of Object.keys(okta_.config).filter((f) => f.startsWith('sidecar_'))) delete okta_.config[field];
    const file = path.join(dir, 'kong-ground-truth.yml');
    fs.writeFileSync(file, stringify(yml));
    gateway = await startDevGateway({ port: 0, declarativeConfigPath: file, pluginServerSocket: server.socketPath, env: { OKTA_ISSUER: okta.issuer }, log: (line) => logs.push(line) });
  });

  afterAll(async () => {
    await gateway?.close();
    await server?.stop();
    await okta?.stop();
  });

  type Kind = 'valid' | 'none' | 'bad-signature' | 'forged';
  const forgedIdentity = Object.fromEntries(IDENTITY_HEADERS.map((name) => [name, 'forged-client']));
  const headersFor = (kind: Kind): Record<string, string> => {
    switch (kind) {
      case 'valid':
        return { authorization: `Bearer ${token}` };
      case 'none':
        return {};
      case 'bad-signature':
        return { authorization: `Bearer ${tamperPayload(token, { sub: 'someone-else' })}`, ...forgedIdentity };
      case 'forged':
        return forgedIdentity;
    }
  };

  it('lets no request without a valid token reach the upstream, and valid traffic resumes after the respawn', async () => {
    const KINDS: Kind[] = ['valid', 'none', 'bad-signature', 'forged'];
    const results: Array<{ id: string; kind: Kind; status: number; at: number }> = [];
    let sent = 0;
    let killedAt = 0;
    const send = async (): Promise<void> => {
      const n = sent++;
      const kind = KINDS[n % KINDS.length]!;
      const id = `${kind}-${n}`;
      const response = await http_.get(`${gateway.url}/demo/hello`, { headers: { ...headersFor(kind), [TAG]: id } });
      results.push({ id, kind, status: response.status, at: Date.now() });
    };
    const traffic = async (until: () => boolean): Promise<void> => {
      await Promise.all(Array.from({ length: 4 }, async () => {
        while (!until()) await send();
      }));
    };

    await traffic(() => sent >= 80);
    const respawned = server.nextSpawn();
    const during = traffic(() => killedAt > 0 && results.some((r) => r.kind === 'valid' && r.status === 200 && r.at > killedAt + 1) && sent >= 400 || sent >= 3000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    killedAt = Date.now();
    process.kill(server.current()!.pid, 'SIGKILL');
    await respawned;
    const respawnedAt = Date.now();
    await during;

    const valid = results.filter((r) => r.kind === 'valid');
    const leaked = results.filter((r) => r.kind !== 'valid' && reached.has(r.id));
    const refusedValid = valid.filter((r) => r.status !== 200);
    const resumedAt = Math.min(...valid.filter((r) => r.status === 200 && r.at > respawnedAt).map((r) => r.at));
    console.log(
      `ground truth: ${results.length} requests, ${valid.length} valid; ${refusedValid.length} valid refused around the restart ` +
        `(${refusedValid.map((r) => r.status).join(',') || 'none'}); valid traffic resumed ${resumedAt - respawnedAt} ms after the respawn`,
    );

    expect(leaked.map((r) => r.id)).toEqual([]);
    expect(results.filter((r) => r.kind !== 'valid' && r.status === 200)).toEqual([]);
    expect(valid.filter((r) => r.at < killedAt).every((r) => r.status === 200 && reached.has(r.id))).toBe(true);
    expect(refusedValid.every((r) => r.status === 503 || r.status === 500)).toBe(true);
    expect(resumedAt - respawnedAt).toBeLessThan(2000);
  });
});
