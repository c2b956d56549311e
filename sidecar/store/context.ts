import { type Compilable, type Kysely, type RawBuilder, type SelectQueryBuilder, sql } from 'kysely';
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

/** Where the value goes in a query compiled once: it holds a NUL character, which no request may send. */
const SLOT = '\u0000slot';

/**
 * `build(slot)` built and compiled once, then run with `value` in the slot's place: Kysely's building and compiling
 * cost more than SQLite takes to run an indexed lookup, for a query that runs on every request of a hot path.
 */
export function compiledOnce<Row>(db: Kysely<Database>, build: (slot: string) => Compilable<Row>): (value: string) => Promise<Row[]> {
  const compiled = build(SLOT).compile();
  const at = compiled.parameters.indexOf(SLOT);
  if (at === -1 || compiled.parameters.lastIndexOf(SLOT) !== at) throw new Error('a query compiled once takes its slot exactly once');
  return async (value) => {
    const parameters = compiled.parameters.map((parameter, i) => (i === at ? value : parameter));
    return (await db.executeQuery<Row>({ ...compiled, parameters })).rows;
  };
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
