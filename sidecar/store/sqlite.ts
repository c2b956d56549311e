import path from 'node:path';
import fs from 'node:fs';
import SQLite from 'better-sqlite3';
import { SqliteDialect } from 'kysely';
import type { DatabaseDialect } from './dialect';

/**
 * How many prepared statements one connection keeps. The query layer builds a few dozen distinct statements (more
 * with `in` lists of every length); past this the oldest is dropped.
 */
const STATEMENT_CACHE_SIZE = 500;

/**
 * The connection as Kysely sees it, preparing each distinct statement once: better-sqlite3 compiles a statement
 * on every `prepare`, which costs more than running it (Kysely prepares before every query).
 */
function withStatementCache(db: SQLite.Database) {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => db.close(),
    prepare(sql: string): SQLite.Statement {
      let statement = statements.get(sql);
      if (!statement) {
        statement = db.prepare(sql);
        statements.set(sql, statement);
        if (statements.size > STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
      }
      return statement;
    },
  };
}

/** SQLite in `<dataDir>/sidecar.db`: nothing to install or configure. */
export function sqliteDialect(dataDir: string, fileName = 'sidecar.db'): DatabaseDialect {
  return {
    dialect: new SqliteDialect({
      database: async () => {
        fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
        const db = new SQLite(path.join(dataDir, fileName));
        db.pragma('journal_mode = WAL');
        // SQLite leaves foreign keys off unless asked, per connection.
        db.pragma('foreign_keys = ON');
        db.pragma('busy_timeout = 5000');
        return withStatementCache(db);
      },
    }),
    rowLocks: false,
    constraintViolation(error) {
      const code = (error as { code?: unknown })?.code;
      if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return 'unique';
      if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return 'foreign_key';
      return undefined;
    },
  };
}
