import path from 'node:path';
import fs from 'node:fs';
import SQLite from 'better-sqlite3';
import { SqliteDialect } from 'kysely';
import type { DatabaseDialect } from './dialect';

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
        return db;
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
