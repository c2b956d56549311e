import { type Kysely, type RawBuilder, type SelectQueryBuilder, sql } from 'kysely';
import type { Cipher } from '../crypto/cipher';
import type { DatabaseDialect } from './dialect';
import type { PageOf, PageRequest } from './records';
import type { Database } from './schema';

/** What every repository is built from. */
export interface StoreContext {
  db: Kysely<Database>;
  dialect: DatabaseDialect;
  cipher: Cipher;
  now: () => Date;
}

/** One page of a filtered table (oldest first, after `first` when given) and the total across all pages. */
export async function paginate<Row, R>(
  base: SelectQueryBuilder<Database, any, object>,
  page: PageRequest,
  toRecord: (row: Row) => R,
  first?: RawBuilder<unknown>,
): Promise<PageOf<R>> {
  const selected = base.selectAll();
  const rows = await (first ? selected.orderBy(first) : selected)
    .orderBy(sql.ref('created_at'))
    .orderBy(sql.ref('id'))
    .limit(page.size)
    .offset((page.number - 1) * page.size)
    .execute();
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  return { items: (rows as Row[]).map(toRecord), total: Number(total) };
}

/** `column` contains `text`, case-blind on both databases, its LIKE wildcards taken literally. */
export function containsText(column: string, text: string): RawBuilder<boolean> {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
}

export function encryptJson(cipher: Cipher, value: unknown): string {
  return cipher.encrypt(JSON.stringify(value));
}

export function decryptJson<T>(cipher: Cipher, value: string): T {
  return JSON.parse(cipher.decrypt(value)) as T;
}
