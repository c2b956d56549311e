// Sequential throughput and PDK round-trip latency of a fixture plugin through the plugin server, ours against
// stock kong-pdk. Run after `npm run build`: node dist/bench/pluginserver-rpc.js [requests]
import fs = require('node:fs');
import os = require('node:os');
import path = require('node:path');
import { performance } from 'node:perf_hooks';
import { KongPluginServerClient, spawnPluginServer, type KongPlugin } from '../devstack/kong-rpc';

// Compiled to dist/bench/, two levels below the repository root, like the source.
const ROOT = path.resolve(__dirname, '../..');
const SERVERS = {
  'okta-auth-pluginserver': path.join(ROOT, 'dist/bin/okta-auth-pluginserver'),
  'stock kong-js-pluginserver': path.join(ROOT, 'node_modules/kong-pdk/bin/kong-js-pluginserver'),
};
const FIXTURE_DIR = path.join(ROOT, 'test/fixtures/kong-plugins/header-gate');
const REQUESTS = Number(process.argv[2] ?? 5_000);
const WARM_UP = 500;
const CONCURRENCY = 32;
// The machine is shared: each figure is the best of a few rounds, the one least disturbed by other work.
const ROUNDS = 3;

// header-gate: a pass is HandleEvent + 3 Steps (get_header, set_headers, clear_header answered, then "ret");
// a rejection is HandleEvent + 1 Step (get_header answered, then the exit).
const SCENARIOS: { name: string; headers: Record<string, string>; roundTrips: number }[] = [
  { name: 'pass (3 PDK calls)', headers: { 'x-api-key': 'k' }, roundTrips: 4 },
  { name: 'reject (2 PDK calls)', headers: {}, roundTrips: 2 },
];

interface Measurement {
  perSecond: number;
  roundTripUs: number;
  concurrentPerSecond: number;
}

async function sequential(plugin: KongPlugin, headers: Record<string, string>, count: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < count; i += 1) await plugin.access({ headers });
  return performance.now() - started;
}

async function concurrent(plugin: KongPlugin, headers: Record<string, string>, count: number): Promise<number> {
  const started = performance.now();
  let sent = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (sent++ < count) await plugin.access({ headers });
    }),
  );
  return performance.now() - started;
}

async function bestOf(run: () => Promise<number>): Promise<number> {
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round += 1) best = Math.min(best, await run());
  return best;
}

async function measure(command: string): Promise<Measurement[]> {
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pluginserver-'));
  const server = await spawnPluginServer({ command, pluginsDir: FIXTURE_DIR, prefix });
  const kong = await KongPluginServerClient.connect({ socketPath: server.socketPath });
  try {
    const plugin = kong.plugin('header-gate', {});
    const results: Measurement[] = [];
    for (const scenario of SCENARIOS) {
      await sequential(plugin, scenario.headers, WARM_UP);
      const elapsedMs = await bestOf(() => sequential(plugin, scenario.headers, REQUESTS));
      const concurrentMs = await bestOf(() => concurrent(plugin, scenario.headers, REQUESTS));
      results.push({
        perSecond: (REQUESTS / elapsedMs) * 1000,
        roundTripUs: (elapsedMs * 1000) / (REQUESTS * scenario.roundTrips),
        concurrentPerSecond: (REQUESTS / concurrentMs) * 1000,
      });
    }
    return results;
  } finally {
    kong.close();
    await server.stop();
    fs.rmSync(prefix, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const byServer = new Map<string, Measurement[]>();
  for (const [name, command] of Object.entries(SERVERS)) byServer.set(name, await measure(command));

  console.log(`header-gate fixture, best of ${ROUNDS} rounds of ${REQUESTS} requests (concurrent: ${CONCURRENCY} in flight, pool of 8)`);
  for (const [name, results] of byServer) {
    SCENARIOS.forEach((scenario, i) => {
      const { perSecond, roundTripUs, concurrentPerSecond } = results[i];
      console.log(
        `${name.padEnd(27)} ${scenario.name.padEnd(21)} sequential ${perSecond.toFixed(0).padStart(6)} req/s, ` +
          `${roundTripUs.toFixed(0).padStart(4)} us per round trip; concurrent ${concurrentPerSecond.toFixed(0).padStart(6)} req/s`,
      );
    });
  }
  const [ours, stock] = [...byServer.values()];
  SCENARIOS.forEach((scenario, i) => {
    console.log(`ratio ours/stock, ${scenario.name}: sequential ${(ours[i].perSecond / stock[i].perSecond).toFixed(2)}`);
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
