import type { StoreContext } from './context';
import { countOf, developerColumns, developerOf, onePage, pendingFirst } from './joined-reads';
import type { PageOf, PageRequest, RegistrationStatus } from './records';

/** A registration as the console's Registration requests page lists it: its application and developer named. */
export interface RegistrationRequest {
  id: string;
  service: string;
  status: RegistrationStatus;
  application: { id: string; name: string };
  developer: { id: string; email: string; full_name: string };
  created_at: string;
  updated_at: string;
}

/** A registration as the console's Applications page shows it beside its application. */
export interface RegistrationOfApplication {
  id: string;
  application_id: string;
  service: string;
  status: RegistrationStatus;
}

/** The joined reads of the admin console (one query a page). */
export function consoleViewRepository(ctx: StoreContext) {
  const { db } = ctx;

  return {
    /** Every application's registrations, whatever the service, pending first, then oldest first. */
    async registrationRequests(page: PageRequest): Promise<PageOf<RegistrationRequest>> {
      const rows = await onePage(
        db
          .selectFrom('registrations as r')
          .innerJoin('applications as p', 'p.id', 'r.application_id')
          .innerJoin('developers as d', 'd.id', 'p.developer_id')
          .select([
            'r.id', 'r.service', 'r.status', 'r.created_at', 'r.updated_at', 'p.id as application_id', 'p.name as application_name',
            ...developerColumns,
          ])
          .orderBy(pendingFirst),
        'r',
        page,
      );
      return {
        items: rows.map((row) => ({
          id: row.id,
          service: row.service,
          status: row.status as RegistrationStatus,
          application: { id: row.application_id, name: row.application_name },
          developer: developerOf(row),
          created_at: row.created_at,
          updated_at: row.updated_at,
        })),
        total: await countOf(db.selectFrom('registrations')),
      };
    },
    /** The registrations of these applications, by service name. */
    async registrationsOf(applicationIds: string[]): Promise<RegistrationOfApplication[]> {
      if (applicationIds.length === 0) return [];
      const rows = await db
        .selectFrom('registrations')
        .select(['id', 'application_id', 'service', 'status'])
        .where('application_id', 'in', applicationIds)
        .orderBy('service')
        .execute();
      return rows.map((row) => ({ ...row, status: row.status as RegistrationStatus }));
    },
  };
}

export type ConsoleViewRepository = ReturnType<typeof consoleViewRepository>;
