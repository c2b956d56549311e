/**
 * What the gateway plugin waits for at the sidecar: application lookups (GET /v2/internal/applications/by-client-id/...)
 * sent open loop at a fixed rate over keep-alive to the built sidecar (a child process), on SQLite and on
 * PostgreSQL. Each latency runs from the moment the request was due, not sent, so a stall counts for every request
 * it delays. Prints p50 / p99 / max per database; asserts nothing.
 * Run after `npm run build`: node dist/bench/sidecar-lookups.js [rate/s] [seconds]
 * (TEST_DATABASE_URL names the PostgreSQL database, postgres://postgres@127.0.0.1:5432/test by default;
 * BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the sidecar).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { startSidecarProcess } from '../devstack/sidecar-process';

const SERVER = path.resolve(__dirname, '../sidecar/server.js');
const RATE = Number(process.argv[2] ?? 1_000);
const SECONDS = Number(process.argv[3] ?? 15);
const WARMUP_SECONDS = 3;
const APPLICATIONS = 200;
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** One request over the shared keep-alive agent; resolves with the status once the body has been read. */
function request(base: string, method: string, url: string, token: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      `${base}${url}`,
      {
        method,
        agent,
        headers: { authorization: `Bearer ${token}`, ...(payload && { 'content-type': 'application/json' }) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function created(base: string, url: string, token: string, body: unknown): Promise<{ id: string; token?: string }> {
  const response = await request(base, 'POST', url, token, body);
  if (response.status !== 201) throw new Error(`POST ${url}: HTTP ${response.status} ${response.body}`);
  return JSON.parse(response.body);
}

/** A self-managed strategy (no IdP needed), one developer, APPLICATIONS applications with an approved service each. */
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
    const app = await created(base, '/v2/applications', developer.token!, { name: `bench-${i}`, auth_strategy_id: strategy.id, client_id: clientId });
    await created(base, `/v2/applications/${app.id}/registrations`, developer.token!, { service: 'orders' });
    clientIds.push(clientId);
  }
  return clientIds;
}

/** CPU time (user + system) a process used so far, in ms, from /proc (Linux); undefined elsewhere. */
function cpuMs(pid: number): number | undefined {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
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
        request(base, 'GET', `/v2/internal/applications/by-client-id/${clientId}`, gatewayToken).then((response) => {
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

interface Subject {
  name: string;
  env: NodeJS.ProcessEnv;
  dispose(): Promise<void>;
}

function sqliteSubject(): Subject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-lookups-'));
  return { name: 'SQLite', env: { SIDECAR_DATA_DIR: dir }, dispose: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

async function postgresSubject(): Promise<Subject> {
  const schema = `bench_lookups_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const separator = DATABASE_URL.includes('?') ? '&' : '?';
  return {
    name: 'PostgreSQL',
    env: { DATABASE_URL: `${DATABASE_URL}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}` },
    async dispose() {
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    },
  };
}

async function measure(subject: Subject): Promise<void> {
  const adminToken = randomBytes(32).toString('base64url');
  const gatewayToken = randomBytes(32).toString('base64url');
  const sidecar = await startSidecarProcess(SERVER, {
    PATH: process.env.PATH,
    SIDECAR_PORT: '0',
    SIDECAR_ADMIN_TOKEN: adminToken,
    SIDECAR_GATEWAY_TOKEN: gatewayToken,
    SIDECAR_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    SIDECAR_APPLICATION_CREATIONS_PER_HOUR: String(APPLICATIONS),
    ...subject.env,
  }, { nodeArgs: (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean) });
  try {
    const clientIds = await seed(sidecar.url, adminToken);
    await openLoop(sidecar.url, gatewayToken, clientIds, WARMUP_SECONDS);
    const cpuBefore = cpuMs(sidecar.pid);
    const latencies = (await openLoop(sidecar.url, gatewayToken, clientIds, SECONDS)).sort((a, b) => a - b);
    const cpuAfter = cpuMs(sidecar.pid);
    const ms = (value: number) => `${value.toFixed(2)} ms`;
    // The sidecar's own CPU per lookup holds even on a busy machine, where latencies mostly measure the neighbours.
    const cpu = cpuBefore === undefined || cpuAfter === undefined ? 'n/a' : `${(((cpuAfter - cpuBefore) / latencies.length) * 1000).toFixed(0)} µs`;
    console.log(
      `${subject.name.padEnd(10)} ${latencies.length} lookups at ${RATE}/s: ` +
        `p50 ${ms(percentile(latencies, 50))}  p99 ${ms(percentile(latencies, 99))}  max ${ms(latencies[latencies.length - 1]!)}  ` +
        `sidecar CPU/lookup ${cpu}`,
    );
  } finally {
    await sidecar.stop();
    await subject.dispose();
  }
}

async function main(): Promise<void> {
  console.log(`sidecar application lookups, open loop over keep-alive, ${SECONDS} s after ${WARMUP_SECONDS} s of warm-up`);
  await measure(sqliteSubject());
  await measure(await postgresSubject());
  agent.destroy();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
