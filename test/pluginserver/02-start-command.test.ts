import { spawnSync } from 'node:child_process';
import fs = require('node:fs');
import net = require('node:net');
import os = require('node:os');
import path = require('node:path');
import { decode, encode } from '@msgpack/msgpack';
import { KongPluginServerClient, type KongPlugin } from '../../devstack/kong-rpc';
import {
  HARDENED_PLUGIN_SERVER,
  STOCK_PLUGIN_SERVER,
  startPluginServer,
  type RunningPluginServer,
} from '../support/plugin-server';

const FIXTURES = path.resolve(__dirname, '../fixtures/kong-plugins');
const REJECTED_REQUESTS = 50_000;
const CONCURRENT_REQUESTS = 32;
const MiB = 1024;

interface ServerStats {
  Events: number;
  Instances: number;
  HeapUsed: number;
}

function fixtureDir(...names: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fixture-plugins-'));
  for (const name of names) fs.symlinkSync(path.join(FIXTURES, name, `${name}.js`), path.join(dir, `${name}.js`));
  return dir;
}

function runQuery(command: string, args: string[]): { stdout: Buffer; stderr: string; status: number | null } {
  const result = spawnSync(command, args, { timeout: 30_000 });
  return { stdout: result.stdout, stderr: result.stderr.toString(), status: result.status };
}

/** Sends `count` requests with `CONCURRENT_REQUESTS` in flight at any time. */
async function sendMany(plugin: KongPlugin, count: number): Promise<void> {
  let sent = 0;
  await Promise.all(
    Array.from({ length: CONCURRENT_REQUESTS }, async () => {
      while (sent < count) {
        sent += 1;
        const outcome = await plugin.access({ headers: {} });
        if (outcome.exit?.status !== 401) throw new Error(`expected a rejection, got ${JSON.stringify(outcome)}`);
      }
    }),
  );
}

function connectRaw(socketPath: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    socket.on('error', () => undefined); // the server may drop this connection: that is the point
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('okta-auth-pluginserver query mode', () => {
  let pluginsDir: string;

  beforeAll(() => {
    pluginsDir = fixtureDir('header-gate', 'broken-on-load');
  });

  afterAll(() => fs.rmSync(pluginsDir, { recursive: true, force: true }));

  it('prints clean JSON for --dump-all-plugins although a plugin writes to stdout and fails to load', () => {
    const { stdout, stderr, status } = runQuery(HARDENED_PLUGIN_SERVER, ['-d', pluginsDir, '--dump-all-plugins']);

    expect(status).toBe(0);
    const plugins = JSON.parse(stdout.toString()) as { Name: string; Phases: string[] }[];
    expect(plugins).toEqual([expect.objectContaining({ Name: 'header-gate', Phases: ['access'] })]);
    expect(stderr).toContain('error loading plugin "broken-on-load"');
  });

  it('shows that stock kong-pdk corrupts --dump-all-plugins with its coloured load warning', () => {
    const { stdout } = runQuery(STOCK_PLUGIN_SERVER, ['-d', pluginsDir, '--dump-all-plugins']);

    expect(stdout.toString()).toContain('\u001b[');
    expect(() => JSON.parse(stdout.toString())).toThrow();
  });

  it('prints the MessagePack plugin info for --dump-plugin-info, like kong-pdk', () => {
    const { stdout, status } = runQuery(HARDENED_PLUGIN_SERVER, ['-d', pluginsDir, '--dump-plugin-info', 'header-gate']);

    expect(status).toBe(0);
    expect(decode(stdout)).toMatchObject({ Name: 'header-gate', Version: '1.0.0', Priority: 1000 });
  });

  it.each([
    ['okta-auth-pluginserver', HARDENED_PLUGIN_SERVER],
    ['stock kong-js-pluginserver', STOCK_PLUGIN_SERVER],
  ])('dumps exactly the bundled okta-auth plugin from dist/kong-plugins with %s', (_name, command) => {
    const dir = path.resolve(__dirname, '../../dist/kong-plugins');
    const { stdout, status } = runQuery(command, ['-d', dir, '--dump-all-plugins']);

    expect(status).toBe(0);
    const plugins = JSON.parse(stdout.toString()) as { Name: string; Version: string; Priority: number; Phases: string[] }[];
    expect(plugins).toEqual([expect.objectContaining({ Name: 'okta-auth', Priority: 1050, Phases: ['access'] })]);
    expect(plugins[0]?.Version).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('okta-auth-pluginserver serving', () => {
  let server: RunningPluginServer | undefined;
  let client: KongPluginServerClient | undefined;

  async function start(
    fixtures: string[],
    options: { command?: string; extraArgs?: string[]; env?: NodeJS.ProcessEnv } = {},
  ): Promise<KongPluginServerClient> {
    server = await startPluginServer({ fixtures, ...options });
    client = await KongPluginServerClient.connect({ socketPath: server.socketPath });
    return client;
  }

  afterEach(async () => {
    client?.close();
    await server?.stop();
    client = undefined;
    server = undefined;
  });

  it('keeps the events map empty and memory flat across 50,000 rejected requests', async () => {
    // --expose-gc lets plugin.ServerStats collect before it measures: HeapUsed is then what the server keeps.
    const gate = (await start(['header-gate'], { env: { NODE_OPTIONS: '--expose-gc' } })).plugin('header-gate', {});
    await sendMany(gate, 5_000); // warm-up: code paths compiled, heap grown to its working size
    const before = (await client!.call('plugin.ServerStats', null)) as ServerStats;

    await sendMany(gate, REJECTED_REQUESTS);

    const stats = (await client!.call('plugin.ServerStats', null)) as ServerStats;
    expect(stats.Events).toBe(0);
    expect(stats.HeapUsed - before.HeapUsed).toBeLessThan(4 * MiB * 1024);
  });

  it('shows stock kong-pdk growing by every rejected request (the leak our server closes)', async () => {
    const gate = (await start(['header-gate'], { command: STOCK_PLUGIN_SERVER })).plugin('header-gate', {});
    await sendMany(gate, 5_000);
    const rssBefore = server!.rssKiB();

    await sendMany(gate, REJECTED_REQUESTS);

    expect(server!.rssKiB() - rssBefore).toBeGreaterThan(32 * MiB);
  });

  it('forgets an event whose handler keeps awaiting after its exit', async () => {
    const plugin = (await start(['exit-then-await'])).plugin('exit-then-await', {});

    const outcomes = await Promise.all(Array.from({ length: 200 }, () => plugin.access({})));

    expect(outcomes.every((outcome) => outcome.exit?.status === 403)).toBe(true);
    expect(((await client!.call('plugin.ServerStats', null)) as ServerStats).Events).toBe(0);
  });

  it('forgets an event whose first answer is already "ret"', async () => {
    const plugin = (await start(['thrower'])).plugin('thrower', {});

    await Promise.all(Array.from({ length: 50 }, () => plugin.access({})));

    expect(((await client!.call('plugin.ServerStats', null)) as ServerStats).Events).toBe(0);
  });

  it.each(['rejection', 'exception'])('keeps serving after a plugin leaves an unhandled %s behind', async (failure) => {
    const kong = await start(['misbehaver', 'header-gate']);
    const misbehaver = kong.plugin('misbehaver', { failure });

    expect((await misbehaver.access({})).exit?.status).toBe(401);
    await server!.waitForStderr(failure === 'rejection' ? /unhandled rejection/ : /uncaught exception/);

    expect((await kong.plugin('header-gate', {}).access({ headers: { 'x-api-key': 'k' } })).proxied).toBe(true);
    expect(server!.alive()).toBe(true);
  });

  it.each([
    ['a byte MessagePack never uses', Buffer.from([0xc1, 0xc1])],
    ['a frame that is not a request array', Buffer.from(encode(42))],
    ['two requests in one write', Buffer.concat([encode([0, 1, 'plugin.GetStatus', []]), encode([0, 2, 'plugin.GetStatus', []])])],
  ])('keeps serving other connections after a client sends %s', async (_what, frame) => {
    const kong = await start(['header-gate']);
    const raw = await connectRaw(server!.socketPath);
    const dropped = new Promise((resolve) => raw.once('close', resolve));

    raw.write(frame);
    await dropped;

    expect(server!.alive()).toBe(true);
    expect((await kong.plugin('header-gate', {}).access({ headers: { 'x-api-key': 'k' } })).proxied).toBe(true);
  });

  it('keeps serving when a client hangs up before its answer is written', async () => {
    const kong = await start(['header-gate']);
    const raw = await connectRaw(server!.socketPath);

    raw.write(encode([0, 1, 'plugin.GetPluginInfo', ['header-gate']]));
    raw.destroy();
    await server!.waitForStderr(/client connection error/);

    expect((await kong.plugin('header-gate', {}).access({ headers: { 'x-api-key': 'k' } })).proxied).toBe(true);
  });

  it('shows stock kong-pdk dying on a garbage frame', async () => {
    await start(['header-gate'], { command: STOCK_PLUGIN_SERVER });
    const raw = await connectRaw(server!.socketPath);

    raw.write(Buffer.from([0xc1]));
    await server!.exited();

    expect(server!.alive()).toBe(false);
  });

  it('prints a loud warning on stderr when -v debug logging is on', async () => {
    await start(['header-gate'], { extraArgs: ['-v'] });

    expect(server!.stderr()).toMatch(/WARNING: -v debug logging prints every RPC argument/);
  });
});
