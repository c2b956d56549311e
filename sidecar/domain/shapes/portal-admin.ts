import { type Static, Type } from '@sinclair/typebox';
import { FilteredPageQuery, ListOf } from './common';
import { ApplicationStatus } from './applications';
import { RegistrationStatus } from './registrations';

/** The portal's admin views in Konnect's portal-management v3 shapes. */

const Ref = Type.Object({ id: Type.String(), name: Type.String() });

export const PortalRegistration = Type.Object({
  id: Type.String(),
  status: RegistrationStatus,
  api: Ref,
  application: Ref,
  created_at: Type.String(),
  updated_at: Type.String(),
});
export const PortalRegistrationList = ListOf(PortalRegistration);

export const PortalRegistrationQuery = FilteredPageQuery({ 'filter[status]': Type.Optional(RegistrationStatus) });
export type PortalRegistrationQuery = Static<typeof PortalRegistrationQuery>;

export const PortalApplication = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  client_id: Type.String(),
  status: ApplicationStatus,
  auth_strategy: Ref,
  developer: Type.Object({ id: Type.String(), email: Type.String() }),
  created_at: Type.String(),
  updated_at: Type.String(),
});
export const PortalApplicationList = ListOf(PortalApplication);
