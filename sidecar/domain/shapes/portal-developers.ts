import { type Static, Type } from '@sinclair/typebox';
import { Body } from './common';

/** Konnect's developer statuses; `revoked` is a suspension. */
export const DeveloperStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('approved'),
  Type.Literal('rejected'),
  Type.Literal('revoked'),
]);

/** Konnect v3's portal developer, as the console's APIs answer it. */
export const PortalDeveloperItem = Type.Object({
  id: Type.String(),
  email: Type.String(),
  full_name: Type.String(),
  status: DeveloperStatus,
  created_at: Type.String(),
  updated_at: Type.String(),
});

export const PortalDeveloperParams = Type.Object({
  portalId: Type.String({ format: 'uuid' }),
  developerId: Type.String({ format: 'uuid' }),
});
export type PortalDeveloperParams = Static<typeof PortalDeveloperParams>;

export const DeveloperStatusChange = Body({ status: DeveloperStatus });
export type DeveloperStatusChange = Static<typeof DeveloperStatusChange>;
