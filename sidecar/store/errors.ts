import type { ConstraintViolation, DatabaseDialect } from './dialect';

/** A write refused by a constraint: `unique` (a duplicate) or `foreign_key` (the row is still referenced). */
export class StoreConstraintError extends Error {
  constructor(readonly violation: ConstraintViolation, options?: ErrorOptions) {
    super(violation === 'unique' ? 'duplicate value' : 'row is referenced or references a missing row', options);
    this.name = 'StoreConstraintError';
  }
}

/** Runs a write and turns the database's own constraint errors into StoreConstraintError. */
export async function constrained<T>(dialect: DatabaseDialect, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const violation = dialect.constraintViolation(error);
    if (violation) throw new StoreConstraintError(violation, { cause: error });
    throw error;
  }
}
