import { randomUUID } from 'node:crypto';
import { type StoreContext, decryptJson, encryptJson, paginate } from './context';
import { constrained } from './errors';
import type { DcrProvider, PageOf, PageRequest } from './records';
import type { DcrProviderRow } from './schema';

export type NewDcrProvider = Omit<DcrProvider, 'id' | 'created_at' | 'updated_at'>;
export type DcrProviderChanges = Partial<Omit<NewDcrProvider, 'provider_type'>>;

export function providerRepository(ctx: StoreContext) {
  const { db, cipher } = ctx;
  const toRecord = (row: DcrProviderRow): DcrProvider => ({
    ...row,
    dcr_config: JSON.parse(row.dcr_config),
    dcr_secrets: decryptJson(cipher, row.dcr_secrets),
    labels: JSON.parse(row.labels),
  });
  const toColumns = (p: DcrProviderChanges) => ({
    ...(p.name !== undefined && { name: p.name }),
    ...(p.display_name !== undefined && { display_name: p.display_name }),
    ...(p.issuer !== undefined && { issuer: p.issuer }),
    ...(p.dcr_config !== undefined && { dcr_config: JSON.stringify(p.dcr_config) }),
    ...(p.dcr_secrets !== undefined && { dcr_secrets: encryptJson(cipher, p.dcr_secrets) }),
    ...(p.labels !== undefined && { labels: JSON.stringify(p.labels) }),
  });
  const get = async (id: string) => {
    const row = await db.selectFrom('dcr_providers').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  };

  return {
    get,
    async create(input: NewDcrProvider): Promise<DcrProvider> {
      const now = ctx.now().toISOString();
      const row: DcrProviderRow = {
        id: randomUUID(),
        provider_type: input.provider_type,
        name: input.name,
        display_name: input.display_name,
        issuer: input.issuer,
        dcr_config: JSON.stringify(input.dcr_config),
        dcr_secrets: encryptJson(cipher, input.dcr_secrets),
        labels: JSON.stringify(input.labels),
        created_at: now,
        updated_at: now,
      };
      await constrained(ctx.dialect, () => db.insertInto('dcr_providers').values(row).execute());
      return toRecord(row);
    },
    /** One page, optionally only the provider of exactly this name. */
    async list(page: PageRequest, filter: { name?: string } = {}): Promise<PageOf<DcrProvider>> {
      const base = db.selectFrom('dcr_providers');
      return paginate(filter.name === undefined ? base : base.where('name', '=', filter.name), page, toRecord);
    },
    async listAll(): Promise<DcrProvider[]> {
      return (await db.selectFrom('dcr_providers').selectAll().orderBy('created_at').execute()).map(toRecord);
    },
    async update(id: string, changes: DcrProviderChanges): Promise<DcrProvider | undefined> {
      const columns = { ...toColumns(changes), updated_at: ctx.now().toISOString() };
      await constrained(ctx.dialect, () => db.updateTable('dcr_providers').set(columns).where('id', '=', id).execute());
      return get(id);
    },
    async delete(id: string): Promise<boolean> {
      const result = await constrained(ctx.dialect, () =>
        db.deleteFrom('dcr_providers').where('id', '=', id).executeTakeFirst(),
      );
      return result.numDeletedRows > 0n;
    },
  };
}

export type ProviderRepository = ReturnType<typeof providerRepository>;
