import { type TSchema, Type } from '@sinclair/typebox';
import type { Access } from '../http/auth';

/** The HTTP side of the API's shapes: the problem body, path parameters, and how an operation is documented. */

export const ProblemSchema = Type.Object(
  {
    status: Type.Integer(),
    title: Type.String(),
    detail: Type.String(),
    instance: Type.Optional(Type.String({ description: 'the path of the request this answers, without its query string' })),
    invalid_parameters: Type.Optional(Type.Array(Type.Object({ field: Type.String(), reason: Type.String() }))),
    idp_error: Type.Optional(Type.Object({ error: Type.String(), error_description: Type.String() })),
  },
  { $id: 'Problem' },
);

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** What each error status means, as every operation that can answer it documents it. */
const ERRORS = {
  400: 'invalid input: invalid_parameters names each field and why',
  401: 'no bearer token, or one nobody has',
  403: 'a valid token of another role: the detail names the token this call needs',
  404: 'not found (or another developer\'s)',
  409: 'conflicts with the current state: the detail says how',
  422: 'this Idempotency-Key was used with another request',
  429: 'too many requests: Retry-After says when to try again',
  502: 'the identity provider refused or failed: idp_error has its words',
  503: 'unavailable (the identity provider gave no answer in time, or the database is unreachable): try again later',
} as const;

export type ErrorStatus = keyof typeof ERRORS;

export interface OperationSpec {
  summary: string;
  description?: string;
  tags: string[];
  params?: TSchema;
  querystring?: TSchema;
  body?: TSchema;
  headers?: TSchema;
  /** The success responses. */
  response: Record<number, TSchema>;
  /** Without an access check: the security requirements it documents (default: none). */
  security?: Record<string, string[]>[];
  /** Error statuses beyond those that follow from the spec (400 with input, 401/403 with access). */
  errors?: ErrorStatus[];
}

const problem = (description: string) => Type.Ref('Problem', { description });

/**
 * The options of one route: its access check and its OpenAPI description (summary, security, every error it
 * can answer). Without access the operation needs no token.
 */
export function operation(access: Access | undefined, spec: OperationSpec) {
  const { summary, description, tags, params, querystring, body, headers, response } = spec;
  const statuses = new Set<ErrorStatus>(spec.errors);
  if (params || querystring || body || headers) statuses.add(400);
  if (access) [401, 403].forEach((status) => statuses.add(status as ErrorStatus));
  const errors = Object.fromEntries([...statuses].sort().map((status) => [status, problem(ERRORS[status])]));
  return {
    ...(access && { onRequest: access.onRequest }),
    schema: {
      summary,
      ...(description && { description }),
      tags,
      security: access?.security ?? spec.security ?? [],
      ...(params && { params }),
      ...(querystring && { querystring }),
      ...(body && { body }),
      ...(headers && { headers }),
      response: { ...response, ...errors, '5xx': problem('an unexpected error (details only in the log)') },
    },
  };
}
