/**
 * Instance ids across a plugin-server restart, with two Kong workers that each cache their instance ids (Kong keeps
 * them in a per-worker table, kong/runloop/plugin_servers/plugin.lua get_instance_id, and drops them only on
 * "no plugin instance", rpc/mp_rpc.lua handle_event).
 */
import fs = require('node:fs');
import os = require('node:os');
import path = require('node:path');
import { KongPluginServerClient, type KongPlugin } from '../../devstack/kong-rpc';
import { firstInstanceId } from '../../pluginserver/hardened-server';
import { startOktaEmulator, type OktaEmulatorFixture } from '../support/okta-emulator';
import { STOCK_PLUGIN_SERVER, startPluginServer, type RunningPluginServer } from '../support/plugin-server';

const DIST_PLUGINS = path.resolve(__dirname, '../../dist/kong-plugins');

let okta: OktaEmulatorFixture;
let token: string;

beforeAll(async () => {
  okta = await startOktaEmulator();
  const client = await okta.dcr.createClient();
  token = await okta.token(client.client_id, client.client_secret as string);
});

afterAll(async () => {
  await okta?.stop();
});

interface Restarted {
  /** Worker 2's request for A after the restart (worker 1 re-created B first). */
  status: number | undefined;
  proxied: boolean;
  restarts: number;
  idsBefore: number[];
  idsAfter: number[];
}

/**
 * Worker 2 starts A, worker 1 starts B (A serves any token of the issuer, B requires a scope the token lacks).
 * The server restarts; worker 1's next request is for B, then worker 2's for A with its cached id.
 */
async function restartWithTwoWorkers(command?: string): Promise<Restarted> {
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'kong-prefix-'));
  const servers: RunningPluginServer[] = [];
  const workers: KongPluginServerClient[] = [];
  try {
    servers.push(await startPluginServer({ command, prefix, pluginsDir: DIST_PLUGINS }));
    const worker1 = await KongPluginServerClient.connect({ socketPath: servers[0].socketPath, poolSize: 2 });
    const worker2 = await KongPluginServerClient.connect({ socketPath: servers[0].socketPath, poolSize: 2 });
    workers.push(worker1, worker2);
    const a: KongPlugin = worker2.plugin('okta-auth', { issuer: okta.issuer }, { serviceId: 'svc-a' });
    const b: KongPlugin = worker1.plugin('okta-auth', { issuer: okta.issuer, scopes_required: ['admin:write'] }, { serviceId: 'svc-b' });
    const request = { headers: { authorization: `Bearer ${token}` } };
    expect((await a.access(request)).proxied).toBe(true);
    expect((await b.access(request)).exit?.status).toBe(403);
    const idsBefore = [await a.instanceId(), await b.instanceId()];

    await servers[0].stop();
    servers.push(await startPluginServer({ command, prefix, pluginsDir: DIST_PLUGINS }));
    expect((await b.access(request)).exit?.status).toBe(403);
    const outcome = await a.access(request);
    return {
      status: outcome.exit?.status,
      proxied: outcome.proxied,
      restarts: a.restarts,
      idsBefore,
      idsAfter: [await a.instanceId(), await b.instanceId()],
    };
  } finally {
    for (const worker of workers) worker.close();
    for (const server of servers) await server.stop();
    fs.rmSync(prefix, { recursive: true, force: true });
  }
}

describe('okta-auth-pluginserver instance ids', () => {
  it("proxies worker 2's request for A on a fresh A instance after a restart, never on B's", async () => {
    const result = await restartWithTwoWorkers();

    expect(result.proxied).toBe(true);
    expect(result.status).toBeUndefined();
    expect(result.restarts).toBe(1); // its stale id got "no plugin instance"
    for (const id of result.idsAfter) expect(result.idsBefore).not.toContain(id);
  });

  it("shows that stock kong-pdk answers worker 2's stale id with B's instance: 403 with B's scopes", async () => {
    const result = await restartWithTwoWorkers(STOCK_PLUGIN_SERVER);

    expect(result.idsBefore).toEqual([0, 1]);
    expect(result.idsAfter).toEqual([0, 0]);
    expect(result.status).toBe(403);
    expect(result.restarts).toBe(0);
  });

  it('starts counting from the process start time in microseconds, below 2^53', () => {
    const startedAt = Date.parse('2026-12-01T00:00:00Z');
    expect(firstInstanceId(startedAt)).toBe(startedAt * 1000);
    expect(firstInstanceId(startedAt + 1)).toBeGreaterThan(firstInstanceId(startedAt));
    expect(firstInstanceId(Date.parse('2250-01-01T00:00:00Z'))).toBeLessThan(2 ** 53);
    expect(firstInstanceId()).toBeLessThanOrEqual(Date.now() * 1000);
  });
});
