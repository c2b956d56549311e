import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { type AppOptions, buildApp } from '../../sidecar/app';
import { createCipher, encryptionKey } from '../../sidecar/crypto/cipher';
import { type Store, openStore } from '../../sidecar/store';
import { type TestDatabase, sqliteTestDatabase } from './sidecar-databases';

/** A sidecar app on a fresh database, with its tokens and every log line it wrote. */
export interface TestSidecar {
  app: FastifyInstance;
  store: Store;
  database: TestDatabase;
  adminToken: string;
  gatewayToken: string;
  /** What the app was built with (to build a variant of it). */
  options: AppOptions;
  logs(): string;
  /** app.inject with the admin token. */
  admin(options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function startTestSidecar(
  overrides: Partial<AppOptions> = {},
  createDatabase: () => Promise<TestDatabase> = sqliteTestDatabase,
): Promise<TestSidecar> {
  const database = await createDatabase();
  const store = openStore({ dialect: database.dialect, cipher: createCipher(encryptionKey(randomBytes(32))) });
  await store.migrate();
  const adminToken = `adm_${randomBytes(32).toString('base64url')}`;
  const gatewayToken = `gw_${randomBytes(32).toString('base64url')}`;
  const logStream = new PassThrough();
  const lines: Buffer[] = [];
  logStream.on('data', (chunk: Buffer) => lines.push(chunk));
  const options: AppOptions = { store, adminToken, gatewayToken, logStream, housekeepingIntervalMs: 0, ...overrides };
  const app = await buildApp(options);
  await app.ready();
  return {
    app,
    store,
    database,
    adminToken,
    gatewayToken,
    options,
    logs: () => Buffer.concat(lines).toString('utf8'),
    admin: (options) =>
      app.inject({ ...options, headers: { authorization: `Bearer ${adminToken}`, ...options.headers } }),
    async close() {
      await app.close();
      await store.close();
      await database.dispose();
    },
  };
}
