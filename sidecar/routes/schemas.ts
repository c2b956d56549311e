import { type Static, type TSchema, Type } from '@sinclair/typebox';
import type { PageOf, PageRequest } from '../store/records';

/** Shared shapes of the API (Konnect v2). */

/** The pattern of a name that is not blank; its schema error reads "must not be blank". */
export const NON_BLANK = '\\S';

export const ProblemSchema = Type.Object(
  {
    status: Type.Integer(),
    title: Type.String(),
    detail: Type.String(),
    invalid_parameters: Type.Optional(Type.Array(Type.Object({ field: Type.String(), reason: Type.String() }))),
    idp_error: Type.Optional(Type.Object({ error: Type.String(), error_description: Type.String() })),
  },
  { $id: 'Problem' },
);

/** Error responses every route documents (and serializes with the problem shape). */
export const errorResponses = {
  '4xx': Type.Ref('Problem'),
  '5xx': Type.Ref('Problem'),
};

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

const DEFAULT_PAGE: PageRequest = { number: 1, size: 10 };

export const PageQuery = Type.Object({
  'page[number]': Type.Optional(Type.Integer({ minimum: 1, default: DEFAULT_PAGE.number, description: 'from 1' })),
  'page[size]': Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: DEFAULT_PAGE.size })),
});

/** A page query with filters (`filter[name]`, as Konnect's list operations have). */
export const FilteredPageQuery = <T extends Record<string, TSchema>>(filters: T) =>
  Type.Composite([PageQuery, Type.Object(filters)]);

export function pageRequest(query: Static<typeof PageQuery>): PageRequest {
  return { number: query['page[number]'] ?? DEFAULT_PAGE.number, size: query['page[size]'] ?? DEFAULT_PAGE.size };
}

/** A name: at least one character that is not white space. */
export const Name = (options: { maxLength: number }) => Type.String({ minLength: 1, pattern: NON_BLANK, ...options });

export function ListOf<T extends TSchema>(item: T) {
  return Type.Object({
    data: Type.Array(item),
    meta: Type.Object({
      page: Type.Object({ number: Type.Integer(), size: Type.Integer(), total: Type.Integer() }),
    }),
  });
}

export function listBody<T, R>(page: PageRequest, result: PageOf<T>, present: (item: T) => R) {
  return { data: result.items.map(present), meta: { page: { ...page, total: result.total } } };
}

export const Labels = Type.Record(Type.String(), Type.String());
