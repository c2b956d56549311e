import { randomUUID } from 'node:crypto';
import { type StoreContext, containsText, paginate } from './context';
import { constrained } from './errors';
import type { Api, PageOf, PageRequest } from './records';
import type { ApiRow } from './schema';

export type NewApi = Omit<Api, 'id' | 'created_at' | 'updated_at'>;

/** Which published APIs a catalog page shows: equalities, and case-blind substrings (`contains`). */
export interface PublishedFilter {
  portalId: string;
  /** Only public publications (an anonymous visitor). */
  publicOnly: boolean;
  id?: string | undefined;
  name?: string | undefined;
  nameContains?: string | undefined;
  description?: string | undefined;
  descriptionContains?: string | undefined;
  /** Every word in the name or the description. */
  words?: string[];
}

/** The catalog's APIs, each a gateway service by name. */
export function apiRepository(ctx: StoreContext) {
  const { db } = ctx;
  const toRecord = (row: ApiRow): Api => ({ ...row, labels: JSON.parse(row.labels), attributes: JSON.parse(row.attributes) });
  const findBy = async (column: 'id' | 'name', value: string) => {
    const row = await db.selectFrom('apis').selectAll().where(column, '=', value).executeTakeFirst();
    return row && toRecord(row);
  };
  return {
    get: (id: string) => findBy('id', id),
    getByName: (name: string) => findBy('name', name),
    async create(input: NewApi): Promise<Api> {
      const now = ctx.now().toISOString();
      const row: ApiRow = {
        id: randomUUID(),
        ...input,
        labels: JSON.stringify(input.labels),
        attributes: JSON.stringify(input.attributes),
        created_at: now,
        updated_at: now,
      };
      await constrained(ctx.dialect, () => db.insertInto('apis').values(row).execute());
      return toRecord(row);
    },
    /** Replaces what the admin edits of an API: its description, version and OpenAPI document. */
    async update(id: string, changes: Pick<NewApi, 'description' | 'version' | 'spec_content'>): Promise<Api | undefined> {
      await db.updateTable('apis').set({ ...changes, updated_at: ctx.now().toISOString() }).where('id', '=', id).execute();
      return findBy('id', id);
    },
    async listAll(): Promise<Api[]> {
      return (await db.selectFrom('apis').selectAll().orderBy('name').execute()).map(toRecord);
    },
    /** One page, optionally only the API of exactly this name. */
    list(page: PageRequest, filter: { name?: string | undefined } = {}): Promise<PageOf<Api>> {
      const base = db.selectFrom('apis');
      return paginate(filter.name === undefined ? base : base.where('name', '=', filter.name), page, toRecord);
    },
    /** One page of the APIs published to the portal that the filter lets through. */
    listPublished(page: PageRequest, filter: PublishedFilter): Promise<PageOf<Api>> {
      let query = db.selectFrom('apis').where('id', 'in', (eb) => {
        const published = eb.selectFrom('publications').select('api_id').where('portal_id', '=', filter.portalId);
        return filter.publicOnly ? published.where('visibility', '=', 'public') : published;
      });
      if (filter.id !== undefined) query = query.where('id', '=', filter.id);
      if (filter.name !== undefined) query = query.where('name', '=', filter.name);
      if (filter.nameContains !== undefined) query = query.where(containsText('name', filter.nameContains));
      if (filter.description !== undefined) query = query.where('description', '=', filter.description);
      if (filter.descriptionContains !== undefined) query = query.where(containsText('description', filter.descriptionContains));
      for (const word of filter.words ?? []) query = query.where((eb) => eb.or([containsText('name', word), containsText('description', word)]));
      return paginate(query, page, toRecord);
    },
  };
}
