import { PostgresDialect, sql } from 'kysely';
import { Pool } from 'pg';
import type { DatabaseDialect } from './dialect';

/** PostgreSQL at `url`; `schema`, when given, is where every table lives (tests use a fresh one per run). */
export function postgresDialect(url: string, schema?: string): DatabaseDialect {
  // The schema name goes into a connection option, so only a plain identifier is accepted.
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name: ${schema}`);
  const pool = new Pool({
    connectionString: url,
    max: 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  return {
    dialect: new PostgresDialect({ pool }),
    rowLocks: true,
    async migrationTableSchema(db) {
      const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
      return rows[0]!.schema;
    },
    constraintViolation(error) {
      const code = (error as { code?: unknown })?.code;
      if (code === '23505') return 'unique';
      if (code === '23503') return 'foreign_key';
      return undefined;
    },
  };
}
