import type { Dialect, Kysely } from 'kysely';

/** What goes wrong in a write, in words the query layer can act on whatever the database. */
export type ConstraintViolation = 'unique' | 'foreign_key';

/** One database: its Kysely dialect and how it reports constraint violations. A new database = one new file. */
export interface DatabaseDialect {
  dialect: Dialect;
  constraintViolation(error: unknown): ConstraintViolation | undefined;
  /**
   * Whether `SELECT ... FOR UPDATE [SKIP LOCKED]` locks rows (PostgreSQL). Without it (SQLite) a transaction's
   * first write takes the database's one write lock, which serialises writers just as well.
   */
  rowLocks: boolean;
  /**
   * Holds a lock named `key` until the transaction `trx` ends, for what has no row to lock (PostgreSQL: an
   * advisory transaction lock). Without it (SQLite) the process's one connection runs transactions one at a time.
   */
  lockName?(trx: Kysely<any>, key: string): Promise<void>;
  /**
   * The schema our tables live in, for databases that have schemas: the migrator looks for its own tables there
   * only (otherwise another schema's migration tables in the same database would count as ours).
   */
  schemaOf?(db: Kysely<any>): Promise<string>;
}
