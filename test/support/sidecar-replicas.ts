/**
 * Test fixture: several real sidecar processes (dist/sidecar/server.js, each on a free port) sharing one fresh
 * PostgreSQL schema, as a Kong team runs them for availability. `npm test` builds first; after editing the sidecar
 * outside `npm test`, run `npm run build`. Typical use:
 *
 *   const replicas = await startSidecarReplicas({ SIDECAR_APPLICATION_CREATIONS_PER_HOUR: '20' });
 *   const [a, b] = replicas.members;
 *   await a.http.post('/v2/developers', {...}, { headers: replicas.adminHeaders });
 *   await replicas.stop();
 *
 * Set SIDECAR_REPLICAS_DEBUG=1 to see their output.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import axios, { type AxiosInstance } from 'axios';
import type { LightMyRequestResponse } from 'fastify';
import { Client } from 'pg';
import { type SidecarProcess, startSidecarProcess } from '../../devstack/sidecar-process';
import type { TestSidecar } from './sidecar-app';
import { testDatabaseUrl } from './sidecar-databases';

export const SIDECAR_SERVER = path.resolve(__dirname, '../../dist/sidecar/server.js');

/** One sidecar process. */
export interface SidecarReplica extends SidecarProcess {
  /** Axios on `url` over keep-alive; never throws on an HTTP status. */
  http: AxiosInstance;
  /** Its portal listener (PORTAL_PORT=0 too): `http://127.0.0.1:<port>`, from its second `Server listening at`. */
  portalUrl: string;
  /** Axios on `portalUrl`, as `http`. */
  portal: AxiosInstance;
}

const LISTENING = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/g;

/** The portal listener's URL: it listens right after the sidecar's, and logs the same line. */
async function portalUrlOf(sidecar: SidecarProcess, timeoutMs = 20_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const second = [...sidecar.output().matchAll(LISTENING)][1]?.[1];
    if (second) return second;
    if (Date.now() > end) throw new Error(`portal listener not listening after ${timeoutMs} ms:\n${sidecar.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface SidecarReplicas {
  members: SidecarReplica[];
  /** The DATABASE_URL every replica uses (its search_path is the fresh schema). */
  databaseUrl: string;
  schema: string;
  /** SIDECAR_DATA_DIR of every replica (a fresh folder, removed by stop()); their mails are in `mail/` in it. */
  dataDir: string;
  adminHeaders: { authorization: string };
  gatewayHeaders: { authorization: string };
  /** The same settings as the others; starts one more replica on the same schema. */
  startAnother(): Promise<SidecarReplica>;
  /** A query on the shared schema, for assertions about what is stored. */
  query<R extends object = Record<string, unknown>>(text: string, values?: unknown[]): Promise<R[]>;
  /** Stops every replica still running and drops the schema. */
  stop(): Promise<void>;
}

async function startReplica(env: NodeJS.ProcessEnv): Promise<SidecarReplica> {
  const sidecar = await startSidecarProcess(SIDECAR_SERVER, env, { echo: Boolean(process.env.SIDECAR_REPLICAS_DEBUG) });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const end = (how: () => Promise<void>) => async () => {
    await how();
    agent.destroy();
  };
  const portalUrl = await portalUrlOf(sidecar);
  const client = (baseURL: string) => axios.create({ baseURL, httpAgent: agent, validateStatus: () => true, proxy: false });
  return {
    ...sidecar,
    http: client(sidecar.url),
    portalUrl,
    portal: client(portalUrl),
    kill: end(sidecar.kill),
    stop: end(sidecar.stop),
  };
}

/**
 * `count` sidecars started at the same moment on a fresh, empty schema (so they also race to migrate it), with
 * the same tokens and key. `env` adds or overrides settings (SIDECAR_* variables).
 */
export async function startSidecarReplicas(env: NodeJS.ProcessEnv = {}, count = 2): Promise<SidecarReplicas> {
  const schema = `sidecar_replicas_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const separator = testDatabaseUrl.includes('?') ? '&' : '?';
  const databaseUrl = `${testDatabaseUrl}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const adminToken = randomBytes(32).toString('base64url');
  const gatewayToken = randomBytes(32).toString('base64url');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sidecar-replicas-'));
  const replicaEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    SIDECAR_DATA_DIR: dataDir,
    SIDECAR_PORT: '0',
    PORTAL_PORT: '0',
    SIDECAR_ADMIN_TOKEN: adminToken,
    SIDECAR_GATEWAY_TOKEN: gatewayToken,
    SIDECAR_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    DATABASE_URL: databaseUrl,
    ...env,
  };
  const inSchema = new Client({ connectionString: databaseUrl });
  await inSchema.connect();
  const members: SidecarReplica[] = [];
  const stop = async () => {
    await Promise.all(members.map((member) => member.stop()));
    await inSchema.end();
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const startAnother = async () => {
    const member = await startReplica(replicaEnv);
    members.push(member);
    return member;
  };
  const started = await Promise.allSettled(Array.from({ length: count }, () => startReplica(replicaEnv)));
  for (const result of started) if (result.status === 'fulfilled') members.push(result.value);
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await stop();
    throw (failed as PromiseRejectedResult).reason;
  }
  return {
    members,
    databaseUrl,
    schema,
    dataDir,
    adminHeaders: { authorization: `Bearer ${adminToken}` },
    gatewayHeaders: { authorization: `Bearer ${gatewayToken}` },
    startAnother,
    query: async <R extends object>(text: string, values?: unknown[]) => (await inSchema.query<R>(text, values)).rows,
    stop,
  };
}

let developers = 0;

/**
 * The admin side of a replica in the shape of TestSidecar's, so the fixtures of sidecar-fixtures.ts (oktaStrategy,
 * selfManagedStrategy) work over HTTP too.
 */
export function adminOf(replicas: SidecarReplicas, index = 0): Pick<TestSidecar, 'admin'> {
  return {
    async admin(options) {
      const response = await replicas.members[index]!.http.request({
        method: options.method ?? 'GET',
        url: String(options.url),
        data: options.payload,
        headers: { ...replicas.adminHeaders, ...(options.headers as Record<string, string>) },
        responseType: 'text',
        transformResponse: (body: string) => body,
      });
      const body = String(response.data);
      return { statusCode: response.status, headers: response.headers, body, json: () => JSON.parse(body) } as unknown as LightMyRequestResponse;
    },
  };
}

/** A developer, created through the first replica; `headers` carry their token. */
export async function developerVia(replicas: SidecarReplicas): Promise<{ id: string; headers: { authorization: string } }> {
  const response = await adminOf(replicas).admin({
    method: 'POST',
    url: '/v2/developers',
    payload: { email: `dev-${process.pid}-${++developers}@example.com`, full_name: 'Dev Eloper' },
  });
  if (response.statusCode !== 201) throw new Error(`create developer: HTTP ${response.statusCode} ${response.body}`);
  const body = response.json() as { id: string; token: string };
  return { id: body.id, headers: { authorization: `Bearer ${body.token}` } };
}
