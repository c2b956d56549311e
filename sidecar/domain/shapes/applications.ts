import { type Static, Type } from '@sinclair/typebox';
import { Body, Filter, FilteredPageQuery, Name } from './common';

const applicationFields = {
  name: Name({ maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  auth_strategy_id: Type.String({ format: 'uuid' }),
  redirect_uris: Type.Optional(Type.Array(Type.String({ format: 'uri' }), { maxItems: 20 })),
};
const ClientId = (description: string) => Type.String({ minLength: 1, maxLength: 255, description });

export const ApplicationInput = Body({
  ...applicationFields,
  client_id: Type.Optional(ClientId('self-managed strategies only: the client ID of an existing IdP client')),
  client_secret: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 1024,
      description: "self-managed strategies only: the client's secret, as proof (one client_credentials request at the issuer); never stored",
    }),
  ),
});
export type ApplicationInput = Static<typeof ApplicationInput>;

/** An admin's claim of an existing client for a developer, without proof: the application is marked unverified. */
export const ClaimedApplicationInput = Body({ ...applicationFields, client_id: ClientId('the client ID of an existing IdP client') });
export type ClaimedApplicationInput = Static<typeof ClaimedApplicationInput>;

export const ApplicationPatch = Body({
  name: Type.Optional(Name({ maxLength: 200 })),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
});
export type ApplicationPatch = Static<typeof ApplicationPatch>;

export const ApplicationStatus = Type.Union([Type.Literal('active'), Type.Literal('disabled'), Type.Literal('pending_deletion')], {
  description: 'active; disabled by an admin (refused at the gateway); pending_deletion while the IdP client is not yet deleted',
});

export const Application = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  developer_id: Type.String(),
  auth_strategy_id: Type.String(),
  client_id: Type.String(),
  client_secret: Type.Optional(Type.String({ description: 'only right after creation or a refresh' })),
  replayed: Type.Optional(Type.String({ description: 'only on an Idempotency-Key replay, which never has the secret: says so' })),
  redirect_uris: Type.Array(Type.String()),
  status: ApplicationStatus,
  client_verified: Type.Boolean({ description: 'false: an admin claimed this client for the developer without proof' }),
  created_at: Type.String(),
  updated_at: Type.String(),
});
export type PresentedApplication = Static<typeof Application>;

export const ApplicationListQuery = FilteredPageQuery({
  'filter[developer_id]': Type.Optional(Type.String({ format: 'uuid', description: 'admin: only this developer\'s applications' })),
  'filter[status]': Type.Optional(ApplicationStatus),
  'filter[client_id]': Filter('only the application of this client ID'),
});
export type ApplicationListQuery = Static<typeof ApplicationListQuery>;

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ minLength: 1, maxLength: 255, description: 'a retry with the same key within 24 h gets the first response back' }),
  ),
});
