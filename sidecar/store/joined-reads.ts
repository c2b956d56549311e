import { type SelectQueryBuilder, sql } from 'kysely';
import type { PageRequest } from './records';
import type { Database } from './schema';

/** The pieces the joined reads (the portal's and the console's views) share. */

/** Pending registrations (joined as `r`) first: the ones an admin has yet to decide. */
export const pendingFirst = sql`case when r.status = 'pending' then 0 else 1 end`;

/** One page of a joined read, oldest first by the `created_at` and `id` of the table joined as `alias`. */
export function onePage<O>(query: SelectQueryBuilder<Database, any, O>, alias: string, page: PageRequest) {
  return query
    .orderBy(sql.ref(`${alias}.created_at`))
    .orderBy(sql.ref(`${alias}.id`))
    .limit(page.size)
    .offset((page.number - 1) * page.size)
    .execute();
}

/** How many rows the query holds, across all pages. */
export async function countOf(base: SelectQueryBuilder<Database, any, object>): Promise<number> {
  return Number((await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow()).total);
}

/** An application's developer, joined as `d`: the columns to select and the record they make. */
export const developerColumns = ['d.id as developer_id', 'd.email as developer_email', 'd.full_name as developer_full_name'] as const;

export const developerOf = (row: { developer_id: string; developer_email: string; developer_full_name: string }) => ({
  id: row.developer_id,
  email: row.developer_email,
  full_name: row.developer_full_name,
});
