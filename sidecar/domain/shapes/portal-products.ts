import { type Static, Type } from '@sinclair/typebox';
import { Filter, ListOf, PageQuery } from './common';

/**
 * The catalog of Portal API v2 (the `openapi.yaml` of @kong/sdk-portal-js 2.16): a product is a published API,
 * named as its service; its one version is the API's version, under the API's id.
 */

const Uuid = Type.String({ format: 'uuid' });
const Timestamp = Type.String({ format: 'date-time' });

export const ProductParams = Type.Object({ productId: Uuid });
export type ProductParams = Static<typeof ProductParams>;

export const VersionParams = Type.Object({ productId: Uuid, productVersionId: Uuid });
export type VersionParams = Static<typeof VersionParams>;

export const DocumentParams = Type.Object({ productId: Uuid, documentId: Uuid });
export type DocumentParams = Static<typeof DocumentParams>;

export const CredentialType = Type.Union([Type.Literal('client_credentials'), Type.Literal('self_managed_client_credentials')], {
  description: 'client_credentials: the DCR provider registers the client; self_managed: the developer brings one',
});
export type CredentialType = Static<typeof CredentialType>;

const LatestVersion = Type.Union([Type.Object({ name: Type.String(), id: Uuid }), Type.Null()]);

export const Product = Type.Object({
  id: Uuid,
  created_at: Timestamp,
  updated_at: Timestamp,
  name: Type.String({ description: 'the service name' }),
  description: Type.Union([Type.String(), Type.Null()]),
  document_count: Type.Integer(),
  version_count: Type.Integer(),
  latest_version: LatestVersion,
  public_labels: Type.Record(Type.String(), Type.String()),
});
export type Product = Static<typeof Product>;
export const ProductList = ListOf(Product);

/** The contract's PortalAuthStrategy, client-credentials form (the only kind the sidecar has). */
export const PortalAuthStrategy = Type.Object({
  id: Uuid,
  name: Type.String(),
  credential_type: CredentialType,
  auth_methods: Type.Array(Type.String()),
  available_scopes: Type.Array(Type.String()),
});
export type PortalAuthStrategy = Static<typeof PortalAuthStrategy>;
export const PortalAuthStrategyList = ListOf(PortalAuthStrategy);

/** How the version takes registrations: its auth strategy, with the publication's effective auto-approve. */
export const RegistrationConfiguration = Type.Composite([
  PortalAuthStrategy,
  Type.Object({ registration_enabled: Type.Boolean(), registration_auto_approve: Type.Boolean() }),
]);
export type RegistrationConfiguration = Static<typeof RegistrationConfiguration>;

export const ProductVersion = Type.Object({
  id: Uuid,
  created_at: Timestamp,
  updated_at: Timestamp,
  name: Type.String({ description: "the API's version ('unversioned' when it has none)" }),
  deprecated: Type.Boolean(),
  registration_configs: Type.Array(RegistrationConfiguration),
});
export type ProductVersion = Static<typeof ProductVersion>;
export const ProductVersionList = ListOf(ProductVersion);

export const SpecDocument = Type.Object({ api_type: Type.Literal('openapi'), content: Type.String() });
export type SpecDocument = Static<typeof SpecDocument>;

export const SpecOperation = Type.Object({
  path: Type.String(),
  method: Type.String(),
  operation_id: Type.Union([Type.String(), Type.Null()]),
  tags: Type.Array(Type.String()),
  summary: Type.Union([Type.String(), Type.Null()]),
  deprecated: Type.Boolean(),
});
export type SpecOperation = Static<typeof SpecOperation>;
export const SpecOperations = Type.Object({ api_type: Type.Literal('openapi'), operations: Type.Array(SpecOperation) });
export type SpecOperations = Static<typeof SpecOperations>;

/** Konnect's list filters: `filter[x]` and `filter[x][eq]` are equality, `filter[x][contains]` a case-blind substring. */
export const NameListQuery = Type.Composite([
  PageQuery,
  Type.Object({
    'filter[name]': Filter('name equals'),
    'filter[name][eq]': Filter('name equals'),
    'filter[name][contains]': Filter('name contains'),
  }),
]);
export type NameListQuery = Static<typeof NameListQuery>;

export const ProductListQuery = Type.Composite([
  NameListQuery,
  Type.Object({
    'filter[description]': Filter('description equals', 2000),
    'filter[description][eq]': Filter('description equals', 2000),
    'filter[description][contains]': Filter('description contains', 2000),
    'filter[id]': Type.Optional(Uuid),
    'filter[id][eq]': Type.Optional(Uuid),
  }),
]);
export type ProductListQuery = Static<typeof ProductListQuery>;

export const AuthStrategyListQuery = Type.Composite([
  NameListQuery,
  Type.Object({
    'filter[credential_type][eq]': Type.Optional(
      Type.Union([Type.Literal('client_credentials'), Type.Literal('self_managed_client_credentials'), Type.Literal('key_auth')]),
    ),
  }),
]);
export type AuthStrategyListQuery = Static<typeof AuthStrategyListQuery>;

export const SearchParams = Type.Object({ indices: Type.Literal('product-catalog') });

export const SearchQuery = Type.Composite([
  PageQuery,
  Type.Object({
    q: Type.Optional(Type.String({ maxLength: 255, description: 'words the name or description contains (all of them, case-blind)' })),
    join: Type.Optional(Type.String({ maxLength: 255, description: 'versions, versions.documents (comma-separated): accepted, nothing more to join' })),
  }),
]);
export type SearchQuery = Static<typeof SearchQuery>;

/** A search hit: the product as the catalog lists it. */
export const CatalogEntry = Type.Object({ index: Type.Literal('product-catalog'), source: Product });
export type CatalogEntry = Static<typeof CatalogEntry>;
export const SearchResults = ListOf(CatalogEntry);

/** A portal without documents: every product's document list is empty (no item shape to declare). */
export const DocumentList = ListOf(Type.Tuple([]));

export const ProductActions = Type.Object({
  actions: Type.Object({ view: Type.Boolean(), register: Type.Boolean(), view_documentation: Type.Boolean() }),
});
export type ProductActions = Static<typeof ProductActions>;

const RegistrationStatus = Type.Union([Type.Literal('approved'), Type.Literal('pending'), Type.Literal('rejected'), Type.Literal('revoked')]);

export const VersionApplicationsQuery = Type.Composite([
  NameListQuery,
  Type.Object({
    'filter[status]': Type.Optional(RegistrationStatus),
    'filter[status][eq]': Type.Optional(RegistrationStatus),
    'filter[auth_strategy_id]': Type.Optional(Uuid),
    'filter[auth_strategy_id][eq]': Type.Optional(Uuid),
    unregistered: Type.Optional(Type.Boolean({ description: 'true: only the applications without a registration for the version' })),
  }),
]);
export type VersionApplicationsQuery = Static<typeof VersionApplicationsQuery>;

/** One of the developer's applications, and its registration for the version (if any). */
export const VersionApplication = Type.Object({
  id: Uuid,
  name: Type.String(),
  registration_id: Type.Union([Uuid, Type.Null()]),
  registration_status: Type.Union([RegistrationStatus, Type.Null()]),
  auth_strategy: Type.Omit(PortalAuthStrategy, ['available_scopes']),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type VersionApplication = Static<typeof VersionApplication>;
export const VersionApplicationList = ListOf(VersionApplication);
