import { type Static, type TObject, type TProperties, type TSchema, Type } from '@sinclair/typebox';
import type { PageOf, PageRequest } from '../../store/records';

/** Shapes every resource of the API (Konnect v2) shares. Each shape is declared once, here or beside its resource. */

/** The pattern of a name that is not blank; its schema error reads "must not be blank". */
export const NON_BLANK = '\\S';

/** A name: at least one character that is not white space. */
export const Name = (options: { maxLength: number; description?: string }) => Type.String({ minLength: 1, pattern: NON_BLANK, ...options });

/** A request body: unknown fields are refused (400 naming them), not silently ignored. */
export const Body = <T extends TProperties>(properties: T, options: { description?: string } = {}): TObject<T> =>
  Type.Object(properties, { additionalProperties: false, ...options });

const DEFAULT_PAGE: PageRequest = { number: 1, size: 10 };
const MAX_PAGE_NUMBER = 1_000_000;

export const PageQuery = Type.Object({
  // A bound, so that the offset stays an integer both databases take (a page past the last is empty anyway).
  'page[number]': Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_NUMBER, default: DEFAULT_PAGE.number, description: 'from 1' })),
  'page[size]': Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: DEFAULT_PAGE.size })),
});

export type PageQuery = Static<typeof PageQuery>;

/** A page query with filters (`filter[name]`, as Konnect's list operations have). */
export const FilteredPageQuery = <T extends TProperties>(filters: T) => Type.Composite([PageQuery, Type.Object(filters)]);

/** An optional exact-match filter. */
export const Filter = (description: string, maxLength = 255) => Type.Optional(Type.String({ minLength: 1, maxLength, description }));

export function pageRequest(query: PageQuery): PageRequest {
  return { number: query['page[number]'] ?? DEFAULT_PAGE.number, size: query['page[size]'] ?? DEFAULT_PAGE.size };
}

export function ListOf<T extends TSchema>(item: T) {
  return Type.Object({
    data: Type.Array(item),
    meta: Type.Object({
      page: Type.Object({ number: Type.Integer(), size: Type.Integer(), total: Type.Integer() }),
    }),
  });
}

export interface ListBody<R> {
  data: R[];
  meta: { page: PageRequest & { total: number } };
}

/** One page in the list shape, each item presented. */
export async function listPage<T, R>(
  query: PageQuery,
  read: (page: PageRequest) => Promise<PageOf<T>>,
  present: (item: T) => R,
): Promise<ListBody<R>> {
  const page = pageRequest(query);
  const result = await read(page);
  return { data: result.items.map(present), meta: { page: { ...page, total: result.total } } };
}

export const Labels = Type.Record(Type.String(), Type.String());
