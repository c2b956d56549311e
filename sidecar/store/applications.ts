import { randomUUID } from 'node:crypto';
import { type StoreContext, compiledOnce, containsText, decryptJson, encryptJson, paginate } from './context';
import { constrained } from './errors';
import type { Application, ApplicationStatus, DeveloperStatus, PageOf, PageRequest } from './records';
import type { ApplicationRow } from './schema';

export type NewApplication = Pick<
  Application,
  'developer_id' | 'auth_strategy_id' | 'name' | 'description' | 'client_id' | 'redirect_uris' | 'idp_secrets'
> & { client_verified?: boolean };
/** An application as the gateway sees it. */
export interface GatewayMapping {
  application: { id: string; name: string; status: ApplicationStatus };
  developer: { id: string; email: string; status: DeveloperStatus };
  services: string[];
}

export interface ApplicationFilter {
  developer_id?: string | undefined;
  status?: ApplicationStatus | undefined;
  /** Every status but this one. */
  status_not?: ApplicationStatus | undefined;
  client_id?: string | undefined;
  name?: string | undefined;
  /** Part of the name, in any case. */
  name_contains?: string | undefined;
  auth_strategy_id?: string | undefined;
}

export type ApplicationChanges = Partial<Pick<Application, 'name' | 'description' | 'redirect_uris' | 'idp_secrets'>>;

export function applicationRepository(ctx: StoreContext) {
  const { db, cipher } = ctx;
  const toRecord = (row: ApplicationRow): Application => ({
    ...row,
    redirect_uris: JSON.parse(row.redirect_uris),
    idp_secrets: row.idp_secrets === null ? null : decryptJson(cipher, row.idp_secrets),
    status: row.status as ApplicationStatus,
    client_verified: row.client_verified === 1,
  });
  const findBy = async (column: 'id' | 'client_id', value: string) => {
    const row = await db.selectFrom('applications').selectAll().where(column, '=', value).executeTakeFirst();
    return row && toRecord(row);
  };
  const gatewayRows = compiledOnce(db, (clientId) =>
    db
      .selectFrom('applications')
      .innerJoin('developers', 'developers.id', 'applications.developer_id')
      .leftJoin('registrations', (join) =>
        join.onRef('registrations.application_id', '=', 'applications.id').on('registrations.status', '=', 'approved'),
      )
      .select([
        'applications.id as application_id',
        'applications.name',
        'applications.status',
        'developers.id as developer_id',
        'developers.email',
        'developers.status as developer_status',
        'registrations.service',
      ])
      .where('applications.client_id', '=', clientId)
      .orderBy('registrations.service'),
  );
  const update = async (id: string, columns: Partial<ApplicationRow>) => {
    await db
      .updateTable('applications')
      .set({ ...columns, updated_at: ctx.now().toISOString() })
      .where('id', '=', id)
      .execute();
    return findBy('id', id);
  };

  return {
    get: (id: string) => findBy('id', id),
    getByClientId: (clientId: string) => findBy('client_id', clientId),
    /**
     * What the gateway needs to map a client ID, in one query (it runs for every client ID the plugin has not
     * cached): the application, its developer and the services it is approved for, by name.
     */
    async gatewayMapping(clientId: string): Promise<GatewayMapping | undefined> {
      const rows = await gatewayRows(clientId);
      const [first] = rows;
      if (!first) return undefined;
      return {
        application: { id: first.application_id, name: first.name, status: first.status as ApplicationStatus },
        developer: { id: first.developer_id, email: first.email, status: first.developer_status as DeveloperStatus },
        services: rows.flatMap((row) => (row.service === null ? [] : [row.service])),
      };
    },
    async create(input: NewApplication): Promise<Application> {
      const now = ctx.now().toISOString();
      const row: ApplicationRow = {
        id: randomUUID(),
        developer_id: input.developer_id,
        auth_strategy_id: input.auth_strategy_id,
        name: input.name,
        description: input.description,
        client_id: input.client_id,
        redirect_uris: JSON.stringify(input.redirect_uris),
        idp_secrets: input.idp_secrets === null ? null : encryptJson(cipher, input.idp_secrets),
        status: 'active',
        client_verified: input.client_verified === false ? 0 : 1,
        deletion_attempts: 0,
        next_deletion_at: null,
        last_error: null,
        created_at: now,
        updated_at: now,
      };
      await constrained(ctx.dialect, () => db.insertInto('applications').values(row).execute());
      return toRecord(row);
    },
    /** One page of the applications that match every filter given. */
    list(page: PageRequest, filter: ApplicationFilter): Promise<PageOf<Application>> {
      let base = db.selectFrom('applications');
      if (filter.developer_id !== undefined) base = base.where('developer_id', '=', filter.developer_id);
      if (filter.status !== undefined) base = base.where('status', '=', filter.status);
      if (filter.status_not !== undefined) base = base.where('status', '!=', filter.status_not);
      if (filter.client_id !== undefined) base = base.where('client_id', '=', filter.client_id);
      if (filter.name !== undefined) base = base.where('name', '=', filter.name);
      if (filter.name_contains !== undefined) base = base.where(containsText('name', filter.name_contains));
      if (filter.auth_strategy_id !== undefined) base = base.where('auth_strategy_id', '=', filter.auth_strategy_id);
      return paginate(base, page, toRecord);
    },
    /** Every application of one developer (their deletion deletes them all). */
    async listAllOfDeveloper(developerId: string): Promise<Application[]> {
      const rows = await db.selectFrom('applications').selectAll().where('developer_id', '=', developerId).orderBy('created_at').execute();
      return rows.map(toRecord);
    },
    /** Every application of the given strategies (reconciliation compares them with the IdP's clients). */
    async listByStrategies(strategyIds: string[]): Promise<Application[]> {
      if (strategyIds.length === 0) return [];
      const rows = await db.selectFrom('applications').selectAll().where('auth_strategy_id', 'in', strategyIds).execute();
      return rows.map(toRecord);
    },
    /** Whether any application has its client at this provider. */
    async existForProvider(providerId: string): Promise<boolean> {
      const row = await db
        .selectFrom('applications')
        .innerJoin('auth_strategies', 'auth_strategies.id', 'applications.auth_strategy_id')
        .select('applications.id')
        .where('auth_strategies.dcr_provider_id', '=', providerId)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },
    /**
     * Which of these client IDs any application maps to, whatever its provider: two providers can share one IdP
     * org, so a client unknown to one provider's applications may still be in use.
     */
    async mappedClientIds(clientIds: string[]): Promise<Set<string>> {
      const mapped = new Set<string>();
      // Chunks keep every query under the databases' bound-parameter limits.
      for (let start = 0; start < clientIds.length; start += 500) {
        const rows = await db
          .selectFrom('applications')
          .select('client_id')
          .where('client_id', 'in', clientIds.slice(start, start + 500))
          .execute();
        for (const row of rows) mapped.add(row.client_id);
      }
      return mapped;
    },
    update(id: string, changes: ApplicationChanges): Promise<Application | undefined> {
      return update(id, {
        ...(changes.name !== undefined && { name: changes.name }),
        ...(changes.description !== undefined && { description: changes.description }),
        ...(changes.redirect_uris !== undefined && { redirect_uris: JSON.stringify(changes.redirect_uris) }),
        ...(changes.idp_secrets !== undefined && {
          idp_secrets: changes.idp_secrets === null ? null : encryptJson(cipher, changes.idp_secrets),
        }),
      });
    },
    /** Active or disabled; never over a pending deletion, which only the deletion itself ends. */
    async setStatus(id: string, status: 'active' | 'disabled'): Promise<Application | undefined> {
      await db
        .updateTable('applications')
        .set({ status, updated_at: ctx.now().toISOString() })
        .where('id', '=', id)
        .where('status', '!=', 'pending_deletion')
        .execute();
      return findBy('id', id);
    },
    /** The IdP refused to delete the client: keep the application, retry at `retryAt`. */
    async markDeletionFailed(id: string, error: string, retryAt: Date): Promise<Application | undefined> {
      const current = await findBy('id', id);
      if (!current) return undefined;
      return update(id, {
        status: 'pending_deletion',
        deletion_attempts: current.deletion_attempts + 1,
        next_deletion_at: retryAt.toISOString(),
        last_error: error,
      });
    },
    /**
     * Takes the application whose IdP deletion is most overdue, if any, for one attempt: its next attempt moves to
     * `leaseUntil`, so no other replica takes it meanwhile, and it is due again should this one die mid-attempt.
     * PostgreSQL skips rows another transaction is claiming; SQLite's write lock serialises the claims.
     */
    async claimDueForDeletion(now: Date, leaseUntil: Date): Promise<Application | undefined> {
      const due = db
        .selectFrom('applications')
        .select('id')
        .where('status', '=', 'pending_deletion')
        .where('next_deletion_at', '<=', now.toISOString())
        .orderBy('next_deletion_at')
        .limit(1)
        .$if(ctx.dialect.rowLocks, (qb) => qb.forUpdate().skipLocked());
      const row = await db
        .updateTable('applications')
        .set({ next_deletion_at: leaseUntil.toISOString() })
        .where('id', '=', due)
        // Checked again on the row itself: PostgreSQL re-reads a row it had to wait for.
        .where('next_deletion_at', '<=', now.toISOString())
        .returningAll()
        .executeTakeFirst();
      return row && toRecord(row);
    },
    async delete(id: string): Promise<boolean> {
      const result = await db.deleteFrom('applications').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}

export type ApplicationRepository = ReturnType<typeof applicationRepository>;
