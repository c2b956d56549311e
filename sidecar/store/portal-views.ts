import { type StoreContext, containsText } from './context';
import { countOf, developerColumns, developerOf, onePage, pendingFirst } from './joined-reads';
import type { ApplicationStatus, PageOf, PageRequest, RegistrationStatus } from './records';

/** A registration with the names of its API and application, as Konnect's portal lists them. */
export interface RegistrationView {
  id: string;
  status: RegistrationStatus;
  api: { id: string; name: string };
  application: { id: string; name: string };
  created_at: string;
  updated_at: string;
}

/** A registration with its API's name and version: what a developer sees of their own (Konnect's product registration). */
export interface ApiRegistrationView {
  id: string;
  status: RegistrationStatus;
  application_id: string;
  api: { id: string; name: string; version: string | null };
  created_at: string;
  updated_at: string;
}

/** The filters of a developer's list of one application's registrations; `*_contains` in any case. */
export interface ApiRegistrationFilter {
  id?: string | undefined;
  status?: RegistrationStatus | undefined;
  api_name?: string | undefined;
  api_name_contains?: string | undefined;
  /** null: only APIs without a version. */
  api_version?: string | null | undefined;
  api_version_contains?: string | undefined;
}

/** An application with its auth strategy and developer. */
export interface ApplicationView {
  id: string;
  name: string;
  description: string | null;
  client_id: string;
  status: ApplicationStatus;
  auth_strategy: { id: string; name: string };
  developer: { id: string; email: string; full_name: string };
  created_at: string;
  updated_at: string;
}

/** The joined reads of the portal's admin views (one query a page, not one per item). */
export function portalViewRepository(ctx: StoreContext) {
  const { db } = ctx;
  const registrations = (filter: { status?: RegistrationStatus | undefined; id?: string }) => {
    let base = db
      .selectFrom('registrations as r')
      .innerJoin('apis as a', 'a.name', 'r.service')
      .innerJoin('applications as p', 'p.id', 'r.application_id');
    if (filter.status !== undefined) base = base.where('r.status', '=', filter.status);
    if (filter.id !== undefined) base = base.where('r.id', '=', filter.id);
    return base;
  };
  const registrationColumns = [
    'r.id',
    'r.status',
    'r.created_at',
    'r.updated_at',
    'a.id as api_id',
    'a.name as api_name',
    'p.id as application_id',
    'p.name as application_name',
  ] as const;
  type RegistrationJoin = {
    id: string; status: string; created_at: string; updated_at: string;
    api_id: string; api_name: string; application_id: string; application_name: string;
  };
  const toRegistration = (row: RegistrationJoin): RegistrationView => ({
    id: row.id,
    status: row.status as RegistrationStatus,
    api: { id: row.api_id, name: row.api_name },
    application: { id: row.application_id, name: row.application_name },
    created_at: row.created_at,
    updated_at: row.updated_at,
  });
  const ofApplication = (applicationId: string, filter: ApiRegistrationFilter) => {
    let base = registrations(filter).where('r.application_id', '=', applicationId);
    if (filter.api_name !== undefined) base = base.where('a.name', '=', filter.api_name);
    if (filter.api_name_contains !== undefined) base = base.where(containsText('a.name', filter.api_name_contains));
    if (filter.api_version === null) base = base.where('a.version', 'is', null);
    else if (filter.api_version !== undefined) base = base.where('a.version', '=', filter.api_version);
    if (filter.api_version_contains !== undefined) base = base.where(containsText('a.version', filter.api_version_contains));
    return base;
  };
  const apiRegistrationColumns = [
    'r.id',
    'r.status',
    'r.application_id',
    'r.created_at',
    'r.updated_at',
    'a.id as api_id',
    'a.name as api_name',
    'a.version as api_version',
  ] as const;
  type ApiRegistrationJoin = {
    id: string; status: string; application_id: string; created_at: string; updated_at: string;
    api_id: string; api_name: string; api_version: string | null;
  };
  const toApiRegistration = (row: ApiRegistrationJoin): ApiRegistrationView => ({
    id: row.id,
    status: row.status as RegistrationStatus,
    application_id: row.application_id,
    api: { id: row.api_id, name: row.api_name, version: row.api_version },
    created_at: row.created_at,
    updated_at: row.updated_at,
  });

  return {
    /** Registrations for services that are APIs of the catalog, pending first. */
    async registrations(page: PageRequest, filter: { status?: RegistrationStatus | undefined }): Promise<PageOf<RegistrationView>> {
      const rows = await onePage(registrations(filter).select(registrationColumns).orderBy(pendingFirst), 'r', page);
      return { items: rows.map(toRegistration), total: await countOf(registrations(filter)) };
    },
    async registration(id: string): Promise<RegistrationView | undefined> {
      const row = await registrations({ id }).select(registrationColumns).executeTakeFirst();
      return row && toRegistration(row);
    },
    /** One application's registrations for services that are APIs of the catalog, oldest first. */
    async applicationRegistrations(applicationId: string, page: PageRequest, filter: ApiRegistrationFilter): Promise<PageOf<ApiRegistrationView>> {
      const rows = await onePage(ofApplication(applicationId, filter).select(apiRegistrationColumns), 'r', page);
      return { items: rows.map(toApiRegistration), total: await countOf(ofApplication(applicationId, filter)) };
    },
    async applicationRegistration(applicationId: string, id: string): Promise<ApiRegistrationView | undefined> {
      const row = await ofApplication(applicationId, { id }).select(apiRegistrationColumns).executeTakeFirst();
      return row && toApiRegistration(row);
    },
    async applications(page: PageRequest): Promise<PageOf<ApplicationView>> {
      const base = db
        .selectFrom('applications as p')
        .innerJoin('auth_strategies as s', 's.id', 'p.auth_strategy_id')
        .innerJoin('developers as d', 'd.id', 'p.developer_id');
      const rows = await onePage(
        base.select([
          'p.id', 'p.name', 'p.description', 'p.client_id', 'p.status', 'p.created_at', 'p.updated_at',
          's.id as strategy_id', 's.name as strategy_name', ...developerColumns,
        ]),
        'p',
        page,
      );
      return {
        items: rows.map((row) => ({
          id: row.id,
          name: row.name,
          description: row.description,
          client_id: row.client_id,
          status: row.status as ApplicationStatus,
          auth_strategy: { id: row.strategy_id, name: row.strategy_name },
          developer: developerOf(row),
          created_at: row.created_at,
          updated_at: row.updated_at,
        })),
        total: await countOf(base),
      };
    },
  };
}
