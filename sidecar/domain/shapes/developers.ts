import { type Static, Type } from '@sinclair/typebox';
import { Body, Filter, FilteredPageQuery, Name } from './common';

export const DeveloperInput = Body({
  email: Type.String({ format: 'email', maxLength: 320, description: 'unique, whatever its case' }),
  full_name: Name({ maxLength: 255 }),
});
export type DeveloperInput = Static<typeof DeveloperInput>;

export const Developer = Type.Object({
  id: Type.String(),
  email: Type.String(),
  full_name: Type.String(),
  created_at: Type.String(),
  updated_at: Type.String(),
});

export const DeveloperWithToken = Type.Composite([
  Developer,
  Type.Object({ token: Type.String({ description: 'the developer token, shown this once' }) }),
]);

export const DeveloperListQuery = FilteredPageQuery({
  'filter[email]': Filter('only the developer with this email (any case)', 320),
});
export type DeveloperListQuery = Static<typeof DeveloperListQuery>;

export const DeveloperDeletionQuery = Type.Object({
  delete_applications: Type.Optional(
    Type.Boolean({ default: false, description: 'true: delete the developer\'s applications too (their IdP clients first)' }),
  ),
});
export type DeveloperDeletionQuery = Static<typeof DeveloperDeletionQuery>;

export const DeveloperDeletionPending = Type.Object({
  developer_id: Type.String(),
  applications_pending_deletion: Type.Array(Type.String(), {
    description: 'applications whose IdP client could not be deleted yet (retried in the background); delete the developer again once they are gone',
  }),
});
export type DeveloperDeletionPending = Static<typeof DeveloperDeletionPending>;
