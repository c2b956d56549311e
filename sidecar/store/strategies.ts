import { randomUUID } from 'node:crypto';
import { type StoreContext, containsText, paginate } from './context';
import { constrained } from './errors';
import type { AuthStrategy, PageOf, PageRequest } from './records';
import type { AuthStrategyRow } from './schema';

export type NewAuthStrategy = Omit<AuthStrategy, 'id' | 'created_at' | 'updated_at'>;
export type AuthStrategyChanges = Partial<NewAuthStrategy>;

export interface PublishedStrategyFilter {
  portalId: string;
  /** The portal shows a strategy by its display name, so its filters match that. */
  displayName?: string | undefined;
  displayNameContains?: string | undefined;
  /** true: only those with a DCR provider; false: only those without. */
  dcr?: boolean | undefined;
}

export function strategyRepository(ctx: StoreContext) {
  const { db } = ctx;
  const toRecord = (row: AuthStrategyRow): AuthStrategy => ({
    ...row,
    configs: JSON.parse(row.configs),
    auto_approve: row.auto_approve === 1,
  });
  const toColumns = (s: AuthStrategyChanges) => ({
    ...(s.name !== undefined && { name: s.name }),
    ...(s.display_name !== undefined && { display_name: s.display_name }),
    ...(s.strategy_type !== undefined && { strategy_type: s.strategy_type }),
    ...(s.configs !== undefined && { configs: JSON.stringify(s.configs) }),
    ...(s.dcr_provider_id !== undefined && { dcr_provider_id: s.dcr_provider_id }),
    ...(s.auto_approve !== undefined && { auto_approve: s.auto_approve ? 1 : 0 }),
  });
  const get = async (id: string) => {
    const row = await db.selectFrom('auth_strategies').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  };

  return {
    get,
    async create(input: NewAuthStrategy): Promise<AuthStrategy> {
      const now = ctx.now().toISOString();
      const row: AuthStrategyRow = {
        id: randomUUID(),
        name: input.name,
        display_name: input.display_name,
        strategy_type: input.strategy_type,
        configs: JSON.stringify(input.configs),
        dcr_provider_id: input.dcr_provider_id,
        auto_approve: input.auto_approve ? 1 : 0,
        created_at: now,
        updated_at: now,
      };
      await constrained(ctx.dialect, () => db.insertInto('auth_strategies').values(row).execute());
      return toRecord(row);
    },
    /** One page, optionally only the strategy of exactly this name. */
    list(page: PageRequest, filter: { name?: string } = {}): Promise<PageOf<AuthStrategy>> {
      const base = db.selectFrom('auth_strategies');
      return paginate(filter.name === undefined ? base : base.where('name', '=', filter.name), page, toRecord);
    },
    async listAll(): Promise<AuthStrategy[]> {
      return (await db.selectFrom('auth_strategies').selectAll().orderBy('name').execute()).map(toRecord);
    },
    /** One page of the strategies that APIs published to the portal use (credential type: DCR or self-managed). */
    listPublished(page: PageRequest, filter: PublishedStrategyFilter): Promise<PageOf<AuthStrategy>> {
      let query = db.selectFrom('auth_strategies').where('id', 'in', (eb) =>
        eb.selectFrom('publications').select('auth_strategy_id').where('portal_id', '=', filter.portalId).where('auth_strategy_id', 'is not', null),
      );
      if (filter.displayName !== undefined) query = query.where('display_name', '=', filter.displayName);
      if (filter.displayNameContains !== undefined) query = query.where(containsText('display_name', filter.displayNameContains));
      if (filter.dcr !== undefined) query = query.where('dcr_provider_id', filter.dcr ? 'is not' : 'is', null);
      return paginate(query, page, toRecord);
    },
    async listByProvider(providerId: string): Promise<AuthStrategy[]> {
      const rows = await db.selectFrom('auth_strategies').selectAll().where('dcr_provider_id', '=', providerId).execute();
      return rows.map(toRecord);
    },
    async update(id: string, changes: AuthStrategyChanges): Promise<AuthStrategy | undefined> {
      const columns = { ...toColumns(changes), updated_at: ctx.now().toISOString() };
      await constrained(ctx.dialect, () =>
        db.updateTable('auth_strategies').set(columns).where('id', '=', id).execute(),
      );
      return get(id);
    },
    async delete(id: string): Promise<boolean> {
      const result = await constrained(ctx.dialect, () =>
        db.deleteFrom('auth_strategies').where('id', '=', id).executeTakeFirst(),
      );
      return result.numDeletedRows > 0n;
    },
  };
}

export type StrategyRepository = ReturnType<typeof strategyRepository>;
