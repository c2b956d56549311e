import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { type AppOptions, buildApp } from '../../sidecar/app';
import { createCipher, encryptionKey } from '../../sidecar/crypto/cipher';
import type { AccountOptions } from '../../sidecar/domain/accounts';
import { DEFAULTS } from '../../sidecar/defaults';
import type { AccountSettings } from '../../sidecar/domain/accounts/settings';
import { createMailer } from '../../sidecar/mail/transport';
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
  /** Where the sidecar's mails are written (the `.eml` transport). */
  mailDir: string;
  logs(): string;
  /** app.inject with the admin token. */
  admin(options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function startTestSidecar(
  overrides: Partial<AppOptions> = {},
  createDatabase: () => Promise<TestDatabase> = sqliteTestDatabase,
  accountSettings: Partial<AccountSettings> = {},
): Promise<TestSidecar> {
  const database = await createDatabase();
  const store = openStore({ dialect: database.dialect, cipher: createCipher(encryptionKey(randomBytes(32))) });
  await store.migrate();
  const adminToken = `adm_${randomBytes(32).toString('base64url')}`;
  const gatewayToken = `gw_${randomBytes(32).toString('base64url')}`;
  const mailDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sidecar-mail-'));
  const logStream = new PassThrough();
  const lines: Buffer[] = [];
  logStream.on('data', (chunk: Buffer) => lines.push(chunk));
  const accounts = testAccountOptions(mailDir, accountSettings);
  const options: AppOptions = { store, adminToken, gatewayToken, accounts, logStream, housekeepingIntervalMs: 0, ...overrides };
  const app = await buildApp(options);
  await app.ready();
  return {
    app,
    store,
    database,
    adminToken,
    gatewayToken,
    options,
    mailDir,
    logs: () => Buffer.concat(lines).toString('utf8'),
    admin: (options) =>
      app.inject({ ...options, headers: { authorization: `Bearer ${adminToken}`, ...options.headers } }),
    async close() {
      await app.close();
      await store.close();
      await database.dispose();
      fs.rmSync(mailDir, { recursive: true, force: true });
    },
  };
}

/** The portal origin tests use: not a real host, only what links and Origin checks compare with. */
export const TEST_PORTAL_URL = 'http://portal.test:8081';

/** The account domain as in production, mails to `mailDir`, with the given settings changed. */
export function testAccountOptions(mailDir: string, settings: Partial<AccountSettings> = {}): AccountOptions {
  return {
    mailer: createMailer({ directory: mailDir, from: 'Developer Portal <portal@portal.test>' }),
    settings: { ...DEFAULTS.accounts, portalUrl: TEST_PORTAL_URL, ...settings },
  };
}
