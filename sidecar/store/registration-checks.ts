import { randomUUID } from 'node:crypto';
import type { StoreContext } from './context';
import type { RegistrationCheck } from './records';

/** Registrations whose outcome is unknown, each to be checked at the IdP once it is due. */
export function registrationCheckRepository(ctx: StoreContext) {
  const { db } = ctx;
  return {
    async add(providerId: string, clientName: string, startedAt: Date, checkAt: Date): Promise<void> {
      await db
        .insertInto('registration_checks')
        .values({
          id: randomUUID(),
          provider_id: providerId,
          client_name: clientName,
          started_at: startedAt.toISOString(),
          check_at: checkAt.toISOString(),
          attempts: 0,
        })
        .execute();
    },
    /** The checks due at `now`, oldest due first. */
    listDue(now: Date, limit: number): Promise<RegistrationCheck[]> {
      return db
        .selectFrom('registration_checks')
        .selectAll()
        .where('check_at', '<=', now.toISOString())
        .orderBy('check_at')
        .limit(limit)
        .execute();
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
