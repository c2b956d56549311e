import { type Static, Type } from '@sinclair/typebox';
import { Body, Filter, FilteredPageQuery, ListOf, Name } from './common';
import { PortalAuthStrategy } from './portal-products';
import { RegistrationStatus } from './registrations';

/**
 * Portal API v2 applications, credentials and registrations, as the `openapi.yaml` of @kong/sdk-portal-js 2.16
 * has them. The contract's bodies are closed; `client_secret` on creation is ours (a self-managed client's proof).
 */

const ReferenceId = Type.String({
  minLength: 1,
  maxLength: 255,
  description: "the client ID at the IdP: given for a self-managed strategy's existing client, else the registered client's",
});
const Scopes = Type.Array(Type.String(), { maxItems: 0, description: 'no auth strategy of this portal lets developers pick scopes' });

export const CreateApplicationPayload = Body({
  name: Name({ maxLength: 255 }),
  description: Type.Optional(Type.String({ maxLength: 255 })),
  auth_strategy_id: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()], { description: 'required: this portal has no default strategy' })),
  reference_id: Type.Optional(ReferenceId),
  redirect_uri: Type.Optional(Type.String({ format: 'uri' })),
  scopes: Type.Optional(Scopes),
  client_secret: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 1024,
      description: "ours, self-managed strategies only: the client's secret, as proof (one client_credentials request at the issuer); never stored",
    }),
  ),
});
export type CreateApplicationPayload = Static<typeof CreateApplicationPayload>;

export const UpdateApplicationPayload = Body({
  name: Type.Optional(Name({ maxLength: 255 })),
  description: Type.Optional(Type.String({ maxLength: 255 })),
  reference_id: Type.Optional(Type.String({ maxLength: 255, description: 'the client ID cannot change: only its current value is taken' })),
  redirect_uri: Type.Optional(Type.String({ format: 'uri', description: 'cannot change after creation: only its current value is taken' })),
  scopes: Type.Optional(Scopes),
});
export type UpdateApplicationPayload = Static<typeof UpdateApplicationPayload>;

const applicationFields = {
  id: Type.String(),
  name: Type.String(),
  reference_id: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  redirect_uri: Type.Union([Type.String(), Type.Null()]),
  auth_strategy: Type.Union([PortalAuthStrategy, Type.Null()]),
  created_at: Type.String(),
  updated_at: Type.String(),
};

export const PortalApplication = Type.Object(applicationFields);
export type PortalApplication = Static<typeof PortalApplication>;

export const ClientCredentials = Type.Object({ client_id: Type.String(), client_secret: Type.String() });
export type ClientCredentials = Static<typeof ClientCredentials>;

export const CreatedApplication = Type.Object({
  ...applicationFields,
  credentials: Type.Optional(
    Type.Composite([ClientCredentials], {
      description: 'a registered client only, in this response only: never for a self-managed client (its secret is the developer\'s) nor an Idempotency-Key replay',
    }),
  ),
});
export type CreatedApplication = Static<typeof CreatedApplication>;

export const ApplicationListQuery = FilteredPageQuery({
  'filter[name][eq]': Filter('only the applications of exactly this name'),
  'filter[name]': Filter('only the applications of exactly this name'),
  'filter[name][contains]': Filter('only the applications whose name contains this (any case)'),
  'filter[auth_strategy_id][eq]': Filter('only the applications of this auth strategy'),
  'filter[auth_strategy_id]': Filter('only the applications of this auth strategy'),
});
export type ApplicationListQuery = Static<typeof ApplicationListQuery>;

export const Credential = Type.Object({ id: Type.String(), display_name: Type.String() });
export const CredentialList = ListOf(Credential);
export const UpdateCredentialPayload = Body({ display_name: Type.String({ maxLength: 255 }) });

export const CreateRegistrationPayload = Body({
  product_version_id: Type.String({ format: 'uuid' }),
  scopes: Type.Optional(Scopes),
});
export type CreateRegistrationPayload = Static<typeof CreateRegistrationPayload>;

export const PortalRegistration = Type.Object({
  id: Type.String(),
  created_at: Type.String(),
  updated_at: Type.String(),
  status: RegistrationStatus,
  product_id: Type.String(),
  product_name: Type.String(),
  product_version_id: Type.String(),
  product_version_name: Type.String(),
  application_id: Type.String(),
});
export type PortalRegistration = Static<typeof PortalRegistration>;

export const RegistrationListQuery = FilteredPageQuery({
  'filter[id][eq]': Filter('only this registration'),
  'filter[id]': Filter('only this registration'),
  'filter[status][eq]': Type.Optional(RegistrationStatus),
  'filter[status]': Type.Optional(RegistrationStatus),
  'filter[product_name][eq]': Filter('only the registrations for the product of exactly this name'),
  'filter[product_name]': Filter('only the registrations for the product of exactly this name'),
  'filter[product_name][contains]': Filter('only the registrations for products whose name contains this (any case)'),
  'filter[product_version_name][eq]': Filter('only the registrations for the version of exactly this name'),
  'filter[product_version_name]': Filter('only the registrations for the version of exactly this name'),
  'filter[product_version_name][contains]': Filter('only the registrations for versions whose name contains this (any case)'),
});
export type RegistrationListQuery = Static<typeof RegistrationListQuery>;
