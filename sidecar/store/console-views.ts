import { sql } from 'kysely';
import type { StoreContext } from './context';
import type { ApplicationStatus, PageOf, PageRequest, RegistrationStatus } from './records';

/** Who a console row is about: the developer by name and email. */
export interface DeveloperRef {
  id: string;
  email: string;
  full_name: string;
}

/** A registration as the console's Registration requests page lists it: its application and developer named. */
export interface RegistrationRequest {
  id: string;
  service: string;
  status: RegistrationStatus;
  application: { id: string; name: string };
  developer: DeveloperRef;
  created_at: string;
  updated_at: string;
}

/** An application as the console's Applications page lists it, with every registration it holds. */
export interface ApplicationOverview {
  id: string;
  name: string;
  description: string | null;
  client_id: string;
  status: ApplicationStatus;
  auth_strategy: { id: string; name: string };
  developer: DeveloperRef;
  registrations: { id: string; service: string; status: RegistrationStatus }[];
  created_at: string;
}

/** The joined reads of the admin console (one query a page, and one for a page's registrations). */
export function consoleViewRepository(ctx: StoreContext) {
  const { db } = ctx;
  const offset = (page: PageRequest) => (page.number - 1) * page.size;
  const count = async (table: 'registrations' | 'applications') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow()).total);

  return {
    /** Every application's registrations, whatever the service, pending first, then oldest first. */
    async registrationRequests(page: PageRequest): Promise<PageOf<RegistrationRequest>> {
      const rows = await db
        .selectFrom('registrations as r')
        .innerJoin('applications as p', 'p.id', 'r.application_id')
        .innerJoin('developers as d', 'd.id', 'p.developer_id')
        .select([
          'r.id', 'r.service', 'r.status', 'r.created_at', 'r.updated_at', 'p.id as application_id', 'p.name as application_name',
          'd.id as developer_id', 'd.email as developer_email', 'd.full_name as developer_full_name',
        ])
        .orderBy(sql`case when r.status = 'pending' then 0 else 1 end`)
        .orderBy('r.created_at')
        .orderBy('r.id')
        .limit(page.size)
        .offset(offset(page))
        .execute();
      return {
        items: rows.map((row) => ({
          id: row.id,
          service: row.service,
          status: row.status as RegistrationStatus,
          application: { id: row.application_id, name: row.application_name },
          developer: { id: row.developer_id, email: row.developer_email, full_name: row.developer_full_name },
          created_at: row.created_at,
          updated_at: row.updated_at,
        })),
        total: await count('registrations'),
      };
    },
    /** Every developer's applications, oldest first, each with its registrations. */
    async applications(page: PageRequest): Promise<PageOf<ApplicationOverview>> {
      const rows = await db
        .selectFrom('applications as p')
        .innerJoin('auth_strategies as s', 's.id', 'p.auth_strategy_id')
        .innerJoin('developers as d', 'd.id', 'p.developer_id')
        .select([
          'p.id', 'p.name', 'p.description', 'p.client_id', 'p.status', 'p.created_at', 's.id as strategy_id', 's.name as strategy_name',
          'd.id as developer_id', 'd.email as developer_email', 'd.full_name as developer_full_name',
        ])
        .orderBy('p.created_at')
        .orderBy('p.id')
        .limit(page.size)
        .offset(offset(page))
        .execute();
      const ids = rows.map((row) => row.id);
      const registrations =
        ids.length === 0
          ? []
          : await db.selectFrom('registrations').select(['id', 'application_id', 'service', 'status']).where('application_id', 'in', ids).orderBy('service').execute();
      return {
        items: rows.map((row) => ({
          id: row.id,
          name: row.name,
          description: row.description,
          client_id: row.client_id,
          status: row.status as ApplicationStatus,
          auth_strategy: { id: row.strategy_id, name: row.strategy_name },
          developer: { id: row.developer_id, email: row.developer_email, full_name: row.developer_full_name },
          registrations: registrations
            .filter((r) => r.application_id === row.id)
            .map((r) => ({ id: r.id, service: r.service, status: r.status as RegistrationStatus })),
          created_at: row.created_at,
        })),
        total: await count('applications'),
      };
    },
  };
}

export type ConsoleViewRepository = ReturnType<typeof consoleViewRepository>;
