import type { StoreContext } from './context';
import { constrained } from './errors';
import type { Publication, Visibility } from './records';
import type { PublicationRow } from './schema';

export type PublicationSettings = Pick<Publication, 'auth_strategy_id' | 'visibility' | 'auto_approve_registrations'>;

const toFlag = (value: boolean | null) => (value === null ? null : value ? 1 : 0);

/** Which APIs are published to the portal, and how. */
export function publicationRepository(ctx: StoreContext) {
  const { db } = ctx;
  const toRecord = (row: PublicationRow): Publication => ({
    ...row,
    visibility: row.visibility as Visibility,
    auto_approve_registrations: row.auto_approve_registrations === null ? null : row.auto_approve_registrations === 1,
  });
  const get = async (apiId: string, portalId: string) => {
    const row = await db
      .selectFrom('publications')
      .selectAll()
      .where('api_id', '=', apiId)
      .where('portal_id', '=', portalId)
      .executeTakeFirst();
    return row && toRecord(row);
  };
  /** The portal's publications, each with its API. */
  const publishedApis = (portalId: string) =>
    db.selectFrom('publications').innerJoin('apis', 'apis.id', 'publications.api_id').where('publications.portal_id', '=', portalId);
  return {
    get,
    /** Publishes, or replaces the settings of the publication (keeping its creation time). */
    async put(apiId: string, portalId: string, settings: PublicationSettings): Promise<Publication> {
      const now = ctx.now().toISOString();
      const columns = {
        auth_strategy_id: settings.auth_strategy_id,
        visibility: settings.visibility,
        auto_approve_registrations: toFlag(settings.auto_approve_registrations),
        updated_at: now,
      };
      await constrained(ctx.dialect, () =>
        db
          .insertInto('publications')
          .values({ api_id: apiId, portal_id: portalId, ...columns, created_at: now })
          .onConflict((oc) => oc.columns(['api_id', 'portal_id']).doUpdateSet(columns))
          .execute(),
      );
      return (await get(apiId, portalId)) as Publication;
    },
    async delete(apiId: string, portalId: string): Promise<boolean> {
      const result = await db.deleteFrom('publications').where('api_id', '=', apiId).where('portal_id', '=', portalId).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    /** The names (gateway services) of the portal's APIs published with this auth strategy. */
    async apiNamesOfStrategy(portalId: string, strategyId: string): Promise<string[]> {
      const rows = await publishedApis(portalId)
        .select('apis.name')
        .where('publications.auth_strategy_id', '=', strategyId)
        .orderBy('apis.name')
        .execute();
      return rows.map((row) => row.name);
    },
    /** The publication of the API named as this gateway service, if it is published. */
    async ofService(service: string, portalId: string): Promise<Publication | undefined> {
      const row = await publishedApis(portalId).selectAll('publications').where('apis.name', '=', service).executeTakeFirst();
      return row && toRecord(row);
    },
  };
}
