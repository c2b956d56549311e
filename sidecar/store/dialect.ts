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
   * Where the migration tables live, for databases with schemas: Kysely's migrator otherwise looks for them in
   * every schema, and takes another schema's (another sidecar's, in the same database) for its own.
   */
  migrationTableSchema?(db: Kysely<unknown>): Promise<string>;
}
