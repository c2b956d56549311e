import { Kysely, sql } from 'kysely';
import { apiRepository } from './apis';
import { auditRepository } from './audit';
import type { Cipher } from '../crypto/cipher';
import { accountTokenRepository } from './account-tokens';
import { applicationRepository } from './applications';
import type { StoreContext } from './context';
import { consoleViewRepository } from './console-views';
import { creationRepository } from './creations';
import { developerRepository } from './developers';
import type { DatabaseDialect } from './dialect';
import { idempotencyRepository } from './idempotency';
import { migrateToLatest } from './migrations';
import { portalViewRepository } from './portal-views';
import { preSessionRepository } from './pre-sessions';
import { providerRepository } from './providers';
import { publicationRepository } from './publications';
import { rateLimitRepository } from './rate-limits';
import { registrationCheckRepository } from './registration-checks';
import { registrationRepository } from './registrations';
import type { Database } from './schema';
import { sessionRepository } from './sessions';
import { strategyRepository } from './strategies';

export interface StoreOptions {
  dialect: DatabaseDialect;
  cipher: Cipher;
  now?: () => Date;
}

/** A repository per resource, over the database or over one transaction. */
function repositories(ctx: StoreContext) {
  return {
    providers: providerRepository(ctx),
    strategies: strategyRepository(ctx),
    developers: developerRepository(ctx),
    applications: applicationRepository(ctx),
    registrations: registrationRepository(ctx),
    idempotency: idempotencyRepository(ctx),
    creations: creationRepository(ctx),
    registrationChecks: registrationCheckRepository(ctx),
    sessions: sessionRepository(ctx),
    preSessions: preSessionRepository(ctx),
    accountTokens: accountTokenRepository(ctx),
    rateLimits: rateLimitRepository(ctx),
    apis: apiRepository(ctx),
    publications: publicationRepository(ctx),
    portalViews: portalViewRepository(ctx),
    consoleViews: consoleViewRepository(ctx),
    audit: auditRepository(ctx),
  };
}

export type Repositories = ReturnType<typeof repositories>;

/** The one query layer: a repository per resource over one Kysely instance, whatever the database. */
export function openStore({ dialect, cipher, now = () => new Date() }: StoreOptions) {
  const db = new Kysely<Database>({ dialect: dialect.dialect });
  const ctx: StoreContext = { db, dialect, cipher, now };
  return {
    ...repositories(ctx),
    /**
     * Runs `work` in one transaction: every write through its repositories commits together or not at all (a
     * change and its audit row). Inside, use only these repositories: on SQLite the outer ones wait for it.
     */
    transaction: <T>(work: (tx: Repositories) => Promise<T>): Promise<T> =>
      db.transaction().execute((trx) => work(repositories({ ...ctx, db: trx }))),
    migrate: async () => migrateToLatest(db as Kysely<unknown>, await dialect.schemaOf?.(db)),
    /** Resolves when the database answers a query (readiness). */
    async ping(): Promise<void> {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

export type Store = ReturnType<typeof openStore>;
