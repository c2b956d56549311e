import { type Static, Type } from '@sinclair/typebox';
import { Filter, FilteredPageQuery, ListOf } from './common';

export const AuditEvent = Type.Object({
  id: Type.String(),
  created_at: Type.String(),
  actor: Type.Object({
    type: Type.Union([Type.Literal('admin'), Type.Literal('developer'), Type.Literal('system')]),
    id: Type.String({ description: "the developer's id, the admin token's id (a prefix of its digest), or, for the sidecar itself, `housekeeping` (the background pass) or `reconcile-command` (`npm run reconcile --fix`)" }),
    address: Type.Union([Type.String(), Type.Null()]),
  }),
  action: Type.String(),
  resource_type: Type.String(),
  resource_id: Type.String(),
  application_id: Type.Union([Type.String(), Type.Null()]),
  before: Type.Unknown({ description: 'the resource before the change (never a secret); null when created' }),
  after: Type.Unknown({ description: 'the resource after the change (never a secret); null when deleted' }),
});
export const AuditEventList = ListOf(AuditEvent);

export const AuditQuery = FilteredPageQuery({
  'filter[actor_id]': Filter('only changes by this developer or admin token id'),
  'filter[resource_type]': Filter('registration, publication, api, ...'),
  'filter[resource_id]': Filter('only changes to this resource'),
  'filter[application_id]': Filter("only changes concerning this application"),
  'filter[action]': Filter('e.g. registration.approved'),
});
export type AuditQuery = Static<typeof AuditQuery>;
