import type { TSchema } from '@sinclair/typebox';
import type { PageForm } from '../pages/kit';
import { requireConsoleSession } from './session';

interface RouteSpec {
  params?: TSchema;
  querystring?: TSchema;
  body?: TSchema;
  /** The form shown again, filled in and with its reasons, when the domain refuses what it sent. */
  form?: PageForm;
}

/** The options of a console page: signed in, its input checked, and out of the admin API's OpenAPI document. */
export function consoleRoute({ params, querystring, body, form }: RouteSpec = {}) {
  return {
    onRequest: requireConsoleSession,
    schema: { hide: true, ...(params && { params }), ...(querystring && { querystring }), ...(body && { body }) },
    ...(form && { config: { form } }),
  };
}

/** A page's address after a change: the list it was made from (POST, then redirect, then GET). */
export const SEE_OTHER = 303;
