import { Kysely, sql } from 'kysely';
import type { Cipher } from '../crypto/cipher';
import { applicationRepository } from './applications';
import type { StoreContext } from './context';
import { creationRepository } from './creations';
import { developerRepository } from './developers';
import type { DatabaseDialect } from './dialect';
import { idempotencyRepository } from './idempotency';
import { migrateToLatest } from './migrations';
import { providerRepository } from './providers';
import { registrationCheckRepository } from './registration-checks';
import { registrationRepository } from './registrations';
import type { Database } from './schema';
import { strategyRepository } from './strategies';

export interface StoreOptions {
  dialect: DatabaseDialect;
  cipher: Cipher;
  now?: () => Date;
}

/** The one query layer: a repository per resource over one Kysely instance, whatever the database. */
export function openStore({ dialect, cipher, now = () => new Date() }: StoreOptions) {
  const db = new Kysely<Database>({ dialect: dialect.dialect });
  const ctx: StoreContext = { db, dialect, cipher, now };
  return {
    providers: providerRepository(ctx),
    strategies: strategyRepository(ctx),
    developers: developerRepository(ctx),
    applications: applicationRepository(ctx),
    registrations: registrationRepository(ctx),
    idempotency: idempotencyRepository(ctx),
    creations: creationRepository(ctx),
    registrationChecks: registrationCheckRepository(ctx),
    migrate: async () => migrateToLatest(db as Kysely<unknown>, await dialect.schemaOf?.(db)),
    /** Resolves when the database answers a query (readiness). */
    async ping(): Promise<void> {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

export type Store = ReturnType<typeof openStore>;
