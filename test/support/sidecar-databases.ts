import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import SQLite from 'better-sqlite3';
import { Client } from 'pg';
import type { DatabaseDialect } from '../../sidecar/store/dialect';
import { postgresDialect } from '../../sidecar/store/postgres';
import { sqliteDialect } from '../../sidecar/store/sqlite';

/** A database for one test file: a dialect for the sidecar, and a way to look at what is stored, raw. */
export interface TestDatabase {
  dialect: DatabaseDialect;
  /** Every byte the database holds, as text, for secret-leak checks. */
  rawContents(): Promise<string>;
  /** Runs SQL through a connection of its own, as another process (another replica) would. */
  exec(statement: string): Promise<void>;
  dispose(): Promise<void>;
}

export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function sqliteTestDatabase(): Promise<TestDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sidecar-db-'));
  return {
    dialect: sqliteDialect(dir),
    // The main file and the -wal / -journal files next to it.
    rawContents: async () =>
      fs
        .readdirSync(dir)
        .map((file) => fs.readFileSync(path.join(dir, file)).toString('latin1'))
        .join('\n'),
    async exec(statement) {
      const db = new SQLite(path.join(dir, 'sidecar.db'));
      try {
        db.exec(statement);
      } finally {
        db.close();
      }
    },
    dispose: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** A fresh schema per call, so parallel runs never collide; dropped by dispose(). */
export async function postgresTestDatabase(): Promise<TestDatabase> {
  const schema = `sidecar_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  return {
    dialect: postgresDialect(testDatabaseUrl, schema),
    async rawContents() {
      const tables = await admin.query<{ table_name: string }>(
        'select table_name from information_schema.tables where table_schema = $1',
        [schema],
      );
      const dumps: string[] = [];
      for (const { table_name } of tables.rows) {
        dumps.push(JSON.stringify((await admin.query(`select * from ${schema}."${table_name}"`)).rows));
      }
      return dumps.join('\n');
    },
    async exec(statement) {
      await admin.query(`set search_path to ${schema}; ${statement}; reset search_path`);
    },
    async dispose() {
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    },
  };
}

export const testDatabases: [string, () => Promise<TestDatabase>][] = [
  ['SQLite', sqliteTestDatabase],
  ['PostgreSQL', postgresTestDatabase],
];
