import { type TSchema, Type } from '@sinclair/typebox';
import type { PageOf, PageRequest } from '../store/records';

/** Shared shapes of the API (Konnect v2). */

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

export const PageQuery = Type.Object({
  'page[number]': Type.Integer({ minimum: 1, default: 1 }),
  'page[size]': Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
});

export function pageRequest(query: { 'page[number]': number; 'page[size]': number }): PageRequest {
  return { number: query['page[number]'], size: query['page[size]'] };
}

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
