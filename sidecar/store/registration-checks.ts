import { randomUUID } from 'node:crypto';
import type { StoreContext } from './context';
import type { RegistrationCheck } from './records';

/** Registrations whose outcome is unknown, each to be checked at the IdP once it is due. */
export function registrationCheckRepository(ctx: StoreContext) {
  const { db } = ctx;
  return {
    /** Returns the check's id. */
    async add(providerId: string, clientName: string, startedAt: Date, checkAt: Date): Promise<string> {
      const id = randomUUID();
      await db
        .insertInto('registration_checks')
        .values({
          id,
          provider_id: providerId,
          client_name: clientName,
          started_at: startedAt.toISOString(),
          check_at: checkAt.toISOString(),
          attempts: 0,
        })
        .execute();
      return id;
    },
    /**
     * Takes the most overdue check, if any, for one attempt: it is due again at `leaseUntil` (a replica that died
     * mid-check), and no other replica takes it meanwhile. PostgreSQL skips rows being claimed; SQLite serialises.
     */
    async claimDue(now: Date, leaseUntil: Date): Promise<RegistrationCheck | undefined> {
      const due = db
        .selectFrom('registration_checks')
        .select('id')
        .where('check_at', '<=', now.toISOString())
        .orderBy('check_at')
        .limit(1)
        .$if(ctx.dialect.rowLocks, (qb) => qb.forUpdate().skipLocked());
      return db
        .updateTable('registration_checks')
        .set({ check_at: leaseUntil.toISOString() })
        .where('id', '=', due)
        .where('check_at', '<=', now.toISOString())
        .returningAll()
        .executeTakeFirst();
    },
    /** The unfinished checks of a provider, due or not. */
    listPending(providerId: string): Promise<RegistrationCheck[]> {
      return db.selectFrom('registration_checks').selectAll().where('provider_id', '=', providerId).orderBy('check_at').execute();
    },
    /** The checks of attempts at this client name that started after `since` (some may still be running). */
    startedSince(providerId: string, clientName: string, since: Date): Promise<RegistrationCheck[]> {
      return db
        .selectFrom('registration_checks')
        .selectAll()
        .where('provider_id', '=', providerId)
        .where('client_name', '=', clientName)
        .where('started_at', '>', since.toISOString())
        .execute();
    },
    /** Due at `checkAt` instead, its attempts unchanged (nothing failed). */
    async postpone(id: string, checkAt: Date): Promise<void> {
      await db.updateTable('registration_checks').set({ check_at: checkAt.toISOString() }).where('id', '=', id).execute();
    },
    /** The IdP could not be asked: try again at `checkAt`. */
    async reschedule(check: RegistrationCheck, checkAt: Date): Promise<void> {
      await db
        .updateTable('registration_checks')
        .set({ check_at: checkAt.toISOString(), attempts: check.attempts + 1 })
        .where('id', '=', check.id)
        .execute();
    },
    async remove(id: string): Promise<void> {
      await db.deleteFrom('registration_checks').where('id', '=', id).execute();
    },
  };
}

export type RegistrationCheckRepository = ReturnType<typeof registrationCheckRepository>;
