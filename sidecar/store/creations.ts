import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { StoreContext } from './context';
import type { Database } from './schema';

/** How many creations one developer may make per window, and how long an unfinished one holds its slot. */
export interface CreationQuota {
  limit: number;
  windowMs: number;
  /** Past this, the slot of a creation that never finished (its replica died) is free again. */
  holdMs: number;
}

/** Rolls the reservation back: the developer's slots are all taken. */
class QuotaFull extends Error {}

/**
 * A log of application creations per developer, kept even after deletion, for the per-developer limit. A creation
 * reserves its slot before it calls the IdP, so that replicas sharing the database count each other's creations
 * in progress.
 */
export function creationRepository(ctx: StoreContext) {
  const { db } = ctx;
  const slotsTaken = (trx: Kysely<Database>, developerId: string, since: Date, now: Date) =>
    trx
      .selectFrom('application_creations')
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .where('developer_id', '=', developerId)
      .where('created_at', '>', since.toISOString())
      .where((eb) => eb.or([eb('reserved_until', 'is', null), eb('reserved_until', '>', now.toISOString())]))
      .executeTakeFirstOrThrow();

  return {
    /**
     * Takes one of the developer's slots, or returns undefined when all are taken (completed or reserved). One
     * transaction that locks the developer's row (PostgreSQL) or the database (SQLite, at the insert), so that two
     * creations on two replicas cannot both take the last slot. No lock is held once it returns.
     */
    async reserve(developerId: string, quota: CreationQuota): Promise<string | undefined> {
      const now = ctx.now();
      const id = randomUUID();
      try {
        await db.transaction().execute(async (trx) => {
          if (ctx.dialect.rowLocks) {
            await trx.selectFrom('developers').select('id').where('id', '=', developerId).forUpdate().execute();
          }
          await trx
            .insertInto('application_creations')
            .values({
              id,
              developer_id: developerId,
              created_at: now.toISOString(),
              reserved_until: new Date(now.getTime() + quota.holdMs).toISOString(),
            })
            .execute();
          const { total } = await slotsTaken(trx, developerId, new Date(now.getTime() - quota.windowMs), now);
          if (Number(total) > quota.limit) throw new QuotaFull();
        });
      } catch (error) {
        if (error instanceof QuotaFull) return undefined;
        throw error;
      }
      return id;
    },
    /** The application exists: its slot stays taken for the rest of the window. */
    async complete(reservationId: string): Promise<void> {
      await db.updateTable('application_creations').set({ reserved_until: null }).where('id', '=', reservationId).execute();
    },
    /** The creation failed (the IdP refused or gave no answer, or the write failed): the slot is free again. */
    async release(reservationId: string): Promise<void> {
      await db.deleteFrom('application_creations').where('id', '=', reservationId).execute();
    },
    /** Slots taken since `since`: completed creations and reservations still held. */
    async countSince(developerId: string, since: Date): Promise<number> {
      return Number((await slotsTaken(db, developerId, since, ctx.now())).total);
    },
    /** Forgets creations from before `before` and reservations past their hold. */
    async purgeBefore(before: Date): Promise<void> {
      await db
        .deleteFrom('application_creations')
        .where((eb) =>
          eb.or([eb('created_at', '<=', before.toISOString()), eb('reserved_until', '<=', ctx.now().toISOString())]),
        )
        .execute();
    },
  };
}

export type CreationRepository = ReturnType<typeof creationRepository>;
