import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { type StoreContext, paginate } from './context';
import { constrained } from './errors';
import type { PageOf, PageRequest, Registration, RegistrationStatus } from './records';
import type { RegistrationRow } from './schema';

export function registrationRepository(ctx: StoreContext) {
  const { db } = ctx;
  const toRecord = (row: RegistrationRow): Registration => ({ ...row, status: row.status as RegistrationStatus });
  const get = async (applicationId: string, id: string) => {
    const row = await db
      .selectFrom('registrations')
      .selectAll()
      .where('application_id', '=', applicationId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toRecord(row);
  };

  return {
    get,
    async create(applicationId: string, service: string, status: RegistrationStatus): Promise<Registration> {
      const now = ctx.now().toISOString();
      const row: RegistrationRow = {
        id: randomUUID(),
        application_id: applicationId,
        service,
        status,
        created_at: now,
        updated_at: now,
      };
      await constrained(ctx.dialect, () => db.insertInto('registrations').values(row).execute());
      return toRecord(row);
    },
    list(applicationId: string, page: PageRequest): Promise<PageOf<Registration>> {
      return paginate(db.selectFrom('registrations').where('application_id', '=', applicationId), page, toRecord);
    },
    /** One page of every application's registrations (optionally of one status), pending ones first. */
    listAll(page: PageRequest, filter: { status?: RegistrationStatus | undefined }): Promise<PageOf<Registration>> {
      const base = db.selectFrom('registrations');
      const filtered = filter.status === undefined ? base : base.where('status', '=', filter.status);
      return paginate(filtered, page, toRecord, sql`case when status = 'pending' then 0 else 1 end`);
    },
    async setStatus(applicationId: string, id: string, status: RegistrationStatus) {
      await db
        .updateTable('registrations')
        .set({ status, updated_at: ctx.now().toISOString() })
        .where('application_id', '=', applicationId)
        .where('id', '=', id)
        .execute();
      return get(applicationId, id);
    },
  };
}

export type RegistrationRepository = ReturnType<typeof registrationRepository>;
