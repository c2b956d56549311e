import { createHash } from 'node:crypto';
import { type PostgresPool, type PostgresPoolClient, PostgresDialect, sql } from 'kysely';
import { Pool, type PoolClient } from 'pg';
import type { DatabaseDialect } from './dialect';

/** Only plain data statements are prepared: `begin`, `commit` and migrations' DDL run as they are. */
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;

/**
 * The pool as Kysely sees it, with every data statement a named prepared statement: PostgreSQL parses and plans it
 * once per connection instead of on every query (Kysely sends plain parameterised queries). A statement whose
 * result shape a migration changed underneath is planned afresh under a new name.
 */
function preparingPool(pool: Pool): PostgresPool {
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (!name) {
      name = `k${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
      names.set(text, name);
    }
    return name;
  };
  const wrapped = new WeakMap<PoolClient, PostgresPoolClient>();
  const wrap = (client: PoolClient): PostgresPoolClient => ({
    query: ((text: unknown, values: unknown[]) => {
      if (typeof text !== 'string') return client.query(text as never);
      if (!PREPARABLE.test(text)) return client.query(text, values);
      return client.query({ name: nameOf(text), text, values }).catch((error: { code?: string }) => {
        // "cached plan must not change result type": a migration on another replica changed the table.
        if (error.code !== '0A000') throw error;
        names.set(text, `${nameOf(text)}_${Date.now().toString(36)}`);
        return client.query({ name: nameOf(text), text, values });
      });
    }) as unknown as PostgresPoolClient['query'],
    release: (destroy?: boolean) => client.release(destroy),
  });
  return {
    async connect() {
      const client = await pool.connect();
      let facade = wrapped.get(client);
      if (!facade) {
        facade = wrap(client);
        wrapped.set(client, facade);
      }
      return facade;
    },
    end: () => pool.end(),
  };
}

/** PostgreSQL at `url`; `schema`, when given, is where every table lives (tests use a fresh one per run). */
export function postgresDialect(url: string, schema?: string): DatabaseDialect {
  // The schema name goes into a connection option, so only a plain identifier is accepted.
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name: ${schema}`);
  const pool = new Pool({
    connectionString: url,
    max: 10,
    // Connections stay open once made: closing idle ones (after 10 s by default) meant reconnecting, and preparing
    // every statement afresh, in the middle of the next burst of lookups, where it showed in their p99.
    idleTimeoutMillis: 0,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  return {
    dialect: new PostgresDialect({ pool: preparingPool(pool) }),
    rowLocks: true,
    constraintViolation(error) {
      const code = (error as { code?: unknown })?.code;
      if (code === '23505') return 'unique';
      if (code === '23503') return 'foreign_key';
      return undefined;
    },
    async lockName(trx, key) {
      await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
    },
    async schemaOf(db) {
      const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
      return rows[0]?.schema ?? 'public';
    },
  };
}
