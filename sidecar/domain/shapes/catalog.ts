import { type Static, Type } from '@sinclair/typebox';
import { Body, Filter, FilteredPageQuery, Labels, ListOf, Name } from './common';

/** The catalog in Konnect's control-plane v3 shapes: APIs, their publication to the portal, the portal. */

export const ApiInput = Body({
  name: Name({ maxLength: 255, description: "a service name of Kong's declarative file (GET /v2/services), as the plugin matches it" }),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  version: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  slug: Type.Optional(Type.String({ minLength: 1, maxLength: 255, pattern: '^[a-z0-9-]+$', description: 'default: from the name' })),
  spec_content: Type.Optional(Type.String({ minLength: 1, maxLength: 1_000_000, description: 'the OpenAPI document (JSON or YAML)' })),
  labels: Type.Optional(Labels),
  attributes: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
export type ApiInput = Static<typeof ApiInput>;

const PortalRef = Type.Object({ id: Type.String(), name: Type.String(), display_name: Type.String() });

export const Api = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  version: Type.Union([Type.String(), Type.Null()]),
  slug: Type.String(),
  api_spec_ids: Type.Array(Type.String(), { description: 'one id when the API has an OpenAPI document' }),
  portals: Type.Array(PortalRef, { description: 'where it is published' }),
  labels: Labels,
  attributes: Type.Record(Type.String(), Type.Unknown()),
  created_at: Type.String(),
  updated_at: Type.String(),
});
export type PresentedApi = Static<typeof Api>;

export const ApiListQuery = FilteredPageQuery({ 'filter[name]': Filter('only the API of exactly this name') });
export type ApiListQuery = Static<typeof ApiListQuery>;

export const Visibility = Type.Union([Type.Literal('public'), Type.Literal('private')], {
  description: 'public: anyone sees it in the portal; private: signed-in developers only',
});

export const PublicationInput = Body({
  auth_strategy_ids: Type.Optional(
    Type.Union([Type.Array(Type.String({ format: 'uuid' }), { maxItems: 1 }), Type.Null()], {
      description: 'the one auth strategy of its applications; null or empty: no application registration',
    }),
  ),
  visibility: Type.Optional(Visibility),
  auto_approve_registrations: Type.Optional(
    Type.Union([Type.Boolean(), Type.Null()], { description: "overrides the auth strategy's auto_approve; null: the strategy decides" }),
  ),
});
export type PublicationInput = Static<typeof PublicationInput>;

export const Publication = Type.Object({
  api_id: Type.String(),
  portal_id: Type.String(),
  auth_strategy_ids: Type.Array(Type.String()),
  visibility: Visibility,
  auto_approve_registrations: Type.Union([Type.Boolean(), Type.Null()]),
  created_at: Type.String(),
  updated_at: Type.String(),
});
export type PresentedPublication = Static<typeof Publication>;

export const Portal = Type.Object({
  id: Type.String(),
  name: Type.String(),
  display_name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  authentication_enabled: Type.Boolean(),
  rbac_enabled: Type.Boolean(),
  auto_approve_applications: Type.Boolean({ description: "always false: each API's auth strategy or publication decides" }),
  auto_approve_developers: Type.Boolean({ description: 'PORTAL_AUTO_APPROVE_DEVELOPERS' }),
  default_api_visibility: Visibility,
  default_domain: Type.String({ description: "the portal's host (and port), from PORTAL_PUBLIC_URL" }),
  canonical_domain: Type.String({ description: 'the same as default_domain: the portal has no custom domain' }),
});
export type PresentedPortal = Static<typeof Portal>;
export const PortalList = ListOf(Portal);
