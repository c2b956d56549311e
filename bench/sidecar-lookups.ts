/**
 * What the gateway plugin waits for at the sidecar: application lookups (GET /v2/internal/applications/by-client-id/...)
 * sent open loop at a fixed rate over keep-alive to the built sidecar (a child process), on SQLite and on
 * PostgreSQL. Each latency runs from the moment the request was due, not sent, so a stall counts for every request
 * it delays. Prints p50 / p99 / max per database and the sidecar's CPU per lookup; asserts nothing.
 * Run after `npm run build`: node dist/bench/sidecar-lookups.js [rate/s] [seconds]
 */
import { performance } from 'node:perf_hooks';
import { type BenchDatabase, agent, benchSecrets, cpuMs, created, postgresDatabase, request, sqliteDatabase, startBenchSidecar } from './sidecar-kit';

const RATE = Number(process.argv[2] ?? 1_000);
const SECONDS = Number(process.argv[3] ?? 15);
const WARMUP_SECONDS = 3;
const APPLICATIONS = 200;

/**
 * A self-managed strategy (no IdP needed), one developer, APPLICATIONS applications with an approved service each:
 * claimed by the admin, since a developer's own creation needs a client secret the issuer accepts.
 */
async function seed(base: string, adminToken: string): Promise<string[]> {
  const strategy = await created(base, '/v2/application-auth-strategies', adminToken, {
    name: 'bench',
    display_name: 'Bench',
    strategy_type: 'openid_connect',
    configs: { 'openid-connect': { issuer: 'https://bench.example.com/oauth2/default' } },
    auto_approve: true,
  });
  const developer = await created(base, '/v2/developers', adminToken, { email: 'bench@example.com', full_name: 'Bench' });
  const clientIds: string[] = [];
  for (let i = 0; i < APPLICATIONS; i += 1) {
    const clientId = `0oabench${String(i).padStart(6, '0')}`;
    const app = await created(base, `/v2/developers/${developer.id}/applications`, adminToken, { name: `bench-${i}`, auth_strategy_id: strategy.id, client_id: clientId });
    await created(base, `/v2/applications/${app.id}/registrations`, developer.token!, { service: 'orders' });
    clientIds.push(clientId);
  }
  return clientIds;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;

/** Sends RATE lookups a second for `seconds`, open loop; returns every latency in ms (from when it was due). */
async function openLoop(base: string, gatewayToken: string, clientIds: string[], seconds: number): Promise<number[]> {
  const total = Math.round(RATE * seconds);
  const intervalMs = 1000 / RATE;
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const now = performance.now();
    while (sent < total && start + sent * intervalMs <= now) {
      const dueAt = start + sent * intervalMs;
      const clientId = clientIds[sent % clientIds.length]!;
      pending.push(
        request(base, 'GET', `/v2/internal/applications/by-client-id/${clientId}`, `Bearer ${gatewayToken}`).then((response) => {
          if (response.status !== 200) throw new Error(`lookup: HTTP ${response.status} ${response.body}`);
          latencies.push(performance.now() - dueAt);
        }),
      );
      sent += 1;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.all(pending);
  return latencies;
}

async function measure(database: BenchDatabase): Promise<void> {
  const secrets = benchSecrets();
  const sidecar = await startBenchSidecar(database, secrets, { SIDECAR_APPLICATION_CREATIONS_PER_HOUR: String(APPLICATIONS) });
  try {
    const clientIds = await seed(sidecar.url, secrets.adminToken);
    await openLoop(sidecar.url, secrets.gatewayToken, clientIds, WARMUP_SECONDS);
    const cpuBefore = cpuMs(sidecar.pid);
    const latencies = (await openLoop(sidecar.url, secrets.gatewayToken, clientIds, SECONDS)).sort((a, b) => a - b);
    const cpuAfter = cpuMs(sidecar.pid);
    const ms = (value: number) => `${value.toFixed(2)} ms`;
    // The sidecar's own CPU per lookup holds even on a busy machine, where latencies mostly measure the neighbours.
    const cpu = cpuBefore === undefined || cpuAfter === undefined ? 'n/a' : `${(((cpuAfter - cpuBefore) / latencies.length) * 1000).toFixed(0)} µs`;
    console.log(
      `${database.name.padEnd(10)} ${latencies.length} lookups at ${RATE}/s: ` +
        `p50 ${ms(percentile(latencies, 50))}  p99 ${ms(percentile(latencies, 99))}  max ${ms(latencies[latencies.length - 1]!)}  ` +
        `sidecar CPU/lookup ${cpu}`,
    );
  } finally {
    await sidecar.stop();
    await database.dispose();
  }
}

async function main(): Promise<void> {
  console.log(`sidecar application lookups, open loop over keep-alive, ${SECONDS} s after ${WARMUP_SECONDS} s of warm-up`);
  await measure(sqliteDatabase());
  await measure(await postgresDatabase());
  agent.destroy();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
