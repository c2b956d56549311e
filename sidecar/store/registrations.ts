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
    async ofService(applicationId: string, service: string): Promise<Registration | undefined> {
      const row = await db
        .selectFrom('registrations')
        .selectAll()
        .where('application_id', '=', applicationId)
        .where('service', '=', service)
        .executeTakeFirst();
      return row && toRecord(row);
    },
    /** Moves the registration from `from` to `to`; undefined when it is not (or no longer) in `from`. */
    async transition(applicationId: string, id: string, from: RegistrationStatus, to: RegistrationStatus) {
      const result = await db
        .updateTable('registrations')
        .set({ status: to, updated_at: ctx.now().toISOString() })
        .where('application_id', '=', applicationId)
        .where('id', '=', id)
        .where('status', '=', from)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n ? get(applicationId, id) : undefined;
    },
    async delete(applicationId: string, id: string): Promise<boolean> {
      const result = await db.deleteFrom('registrations').where('application_id', '=', applicationId).where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}

export type RegistrationRepository = ReturnType<typeof registrationRepository>;
