/**
 * What the sidecar benchmarks share: the built sidecar as a child process on SQLite or on a fresh PostgreSQL
 * schema, with generated tokens, and plain keep-alive HTTP calls to it.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { type SidecarProcess, startSidecarProcess } from '../devstack/sidecar-process';

const SERVER = path.resolve(__dirname, '../sidecar/server.js');
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** One request over the shared keep-alive agent; resolves with the status once the body has been read. */
export function request(base: string, method: string, url: string, authorization: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      `${base}${url}`,
      {
        method,
        agent,
        headers: { authorization, ...(payload && { 'content-type': 'application/json' }) },
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

export async function created(base: string, url: string, token: string, body: unknown): Promise<{ id: string; token?: string }> {
  const response = await request(base, 'POST', url, `Bearer ${token}`, body);
  if (response.status !== 201) throw new Error(`POST ${url}: HTTP ${response.status} ${response.body}`);
  return JSON.parse(response.body);
}

/** A database to run sidecars on: the settings that point them at it. */
export interface BenchDatabase {
  name: string;
  env: NodeJS.ProcessEnv;
  dispose(): Promise<void>;
}

export function sqliteDatabase(): BenchDatabase {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sidecar-'));
  return { name: 'SQLite', env: { SIDECAR_DATA_DIR: dir }, dispose: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh schema of TEST_DATABASE_URL (postgres://postgres@127.0.0.1:5432/test by default), dropped by dispose. */
export async function postgresDatabase(): Promise<BenchDatabase> {
  const schema = `bench_sidecar_${randomBytes(6).toString('hex')}`;
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

/** The tokens every sidecar of one benchmark shares. */
export function benchSecrets() {
  return {
    adminToken: randomBytes(32).toString('base64url'),
    gatewayToken: randomBytes(32).toString('base64url'),
    encryptionKey: randomBytes(32).toString('base64'),
  };
}

/**
 * The built sidecar on `database` with `secrets` and `env` on top (BENCH_NODE_ARGS="--cpu-prof
 * --cpu-prof-dir=/tmp/prof" profiles it).
 */
export function startBenchSidecar(database: BenchDatabase, secrets: ReturnType<typeof benchSecrets>, env: NodeJS.ProcessEnv = {}): Promise<SidecarProcess> {
  return startSidecarProcess(
    SERVER,
    {
      PATH: process.env.PATH,
      SIDECAR_PORT: '0',
      PORTAL_PORT: '0',
      SIDECAR_ADMIN_TOKEN: secrets.adminToken,
      SIDECAR_GATEWAY_TOKEN: secrets.gatewayToken,
      SIDECAR_ENCRYPTION_KEY: secrets.encryptionKey,
      ...database.env,
      ...env,
    },
    { nodeArgs: (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean) },
  );
}

/** CPU time (user + system) a process used so far, in ms, from /proc (Linux); undefined elsewhere. */
export function cpuMs(pid: number): number | undefined {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}
