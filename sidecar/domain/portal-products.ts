import { parse } from 'yaml';
import { PORTAL } from '../defaults';
import type { Store } from '../store';
import type { PublishedFilter } from '../store/apis';
import type { Api, AuthStrategy, Developer, Publication } from '../store/records';
import { approvesAtOnce } from './auto-approval';
import { NotFound } from './errors';
import { type ListBody, pageRequest } from './shapes/common';
import type {
  AuthStrategyListQuery,
  CatalogEntry,
  CredentialType,
  NameListQuery,
  PortalAuthStrategy,
  Product,
  ProductListQuery,
  ProductVersion,
  SearchQuery,
  SpecDocument,
  SpecOperation,
  SpecOperations,
  VersionApplication,
  VersionApplicationsQuery,
} from './shapes/portal-products';

/**
 * The portal's catalog (Portal API v2 products): a product is an API published to the portal, named as its
 * kong.yml service; it has one version, the API's version. Both ids are the API's id, so a registration's
 * `product_version_id` names the API (and so the service) directly.
 */

/** Who is looking: an approved developer's session, or an anonymous visitor. */
export type Viewer = Developer | undefined;

/** A published API as the portal shows it to one viewer. */
export interface PublishedProduct {
  api: Api;
  publication: Publication;
  /** The kong.yml service the product is (the plugin matches registrations by it). */
  service: string;
  /** The one auth strategy its applications use; null: it takes no registrations. */
  strategy: AuthStrategy | null;
}

/** The id of the one version of the product an API is. */
export const versionIdOf = (api: Pick<Api, 'id'>): string => api.id;

/** The version's name: the API's version, or this when it has none. */
const UNVERSIONED = 'unversioned';
export const versionNameOf = (api: Pick<Api, 'version'>): string => api.version ?? UNVERSIONED;

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** A private publication is for signed-in, approved developers only. */
const canSee = (publication: Publication, viewer: Viewer) => publication.visibility === 'public' || viewer?.status === 'approved';

export const credentialTypeOf = (strategy: AuthStrategy): CredentialType =>
  strategy.dcr_provider_id === null ? 'self_managed_client_credentials' : 'client_credentials';

const oidcOf = (strategy: AuthStrategy) => (strategy.configs['openid-connect'] ?? {}) as { scopes?: string[]; auth_methods?: string[] };

export function presentAuthStrategy(strategy: AuthStrategy): PortalAuthStrategy {
  const oidc = oidcOf(strategy);
  return {
    id: strategy.id,
    name: strategy.display_name,
    credential_type: credentialTypeOf(strategy),
    // Unset, the plugin takes both: a token from the client_credentials grant, presented as a bearer.
    auth_methods: oidc.auth_methods ?? ['client_credentials', 'bearer'],
    available_scopes: oidc.scopes ?? [],
  };
}

function presentVersion({ api, publication, strategy }: PublishedProduct): ProductVersion {
  return {
    id: versionIdOf(api),
    created_at: publication.created_at,
    updated_at: publication.updated_at,
    name: api.version ?? UNVERSIONED,
    deprecated: false,
    registration_configs: strategy
      ? [
          {
            ...presentAuthStrategy(strategy),
            registration_enabled: true,
            registration_auto_approve: approvesAtOnce(publication, strategy),
          },
        ]
      : [],
  };
}

function presentProduct({ api, publication }: PublishedProduct): Product {
  return {
    id: api.id,
    created_at: publication.created_at,
    updated_at: publication.updated_at,
    name: api.name,
    description: api.description,
    document_count: 0,
    version_count: 1,
    latest_version: { id: versionIdOf(api), name: api.version ?? UNVERSIONED },
    public_labels: api.labels,
  };
}

/** A document that does not parse is still served as it is (`/spec`); it has no operations to list. */
function parsed(content: string): unknown {
  try {
    return parse(content);
  } catch {
    return null;
  }
}

/** Every operation of an OpenAPI document (JSON or YAML); a document without `paths` has none. */
function operationsOf(content: string): SpecOperation[] {
  const document = parsed(content) as { paths?: Record<string, Record<string, Record<string, unknown>> | null> } | null;
  return Object.entries(document?.paths ?? {}).flatMap(([path, item]) =>
    HTTP_METHODS.filter((method) => typeof item?.[method] === 'object' && item[method] !== null).map((method) => {
      const operation = (item as Record<string, Record<string, unknown>>)[method] as Record<string, unknown>;
      return {
        path,
        method,
        operation_id: typeof operation.operationId === 'string' ? operation.operationId : null,
        tags: Array.isArray(operation.tags) ? operation.tags.filter((tag): tag is string => typeof tag === 'string') : [],
        summary: typeof operation.summary === 'string' ? operation.summary : null,
        deprecated: operation.deprecated === true,
      };
    }),
  );
}

const listOf = <T>(data: T[], page: { number: number; size: number }, total: number): ListBody<T> => ({ data, meta: { page: { ...page, total } } });

export function portalProducts(store: Store) {
  /** The API with its publication and strategy; undefined when it is not published (or no longer). */
  const published = async (api: Api): Promise<PublishedProduct | undefined> => {
    const publication = await store.publications.get(api.id, PORTAL.id);
    if (!publication) return undefined;
    const strategy = publication.auth_strategy_id === null ? null : ((await store.strategies.get(publication.auth_strategy_id)) ?? null);
    return { api, publication, service: api.name, strategy };
  };
  /** The published API of this id, if this viewer may see it. */
  const visible = async (apiId: string, viewer: Viewer): Promise<PublishedProduct | undefined> => {
    const api = await store.apis.get(apiId);
    const found = api && (await published(api));
    return found && canSee(found.publication, viewer) ? found : undefined;
  };
  /** 404, the same for an unknown, unpublished or (to an anonymous visitor) private product. */
  const product = async (productId: string, viewer: Viewer): Promise<PublishedProduct> => {
    const found = await visible(productId, viewer);
    if (!found) throw new NotFound('product', productId);
    return found;
  };
  const version = async (productId: string, versionId: string, viewer: Viewer): Promise<PublishedProduct> => {
    const found = await product(productId, viewer);
    if (versionId !== versionIdOf(found.api)) throw new NotFound('product version', versionId);
    return found;
  };
  /** The published APIs this viewer sees, one page. */
  const page = async (query: ProductListQuery | SearchQuery, filter: PublishedFilter) => {
    const request = pageRequest(query);
    const result = await store.apis.listPublished(request, filter);
    const products = await Promise.all(result.items.map(published));
    return { request, total: result.total, products: products.filter((p): p is PublishedProduct => p !== undefined) };
  };
  const publicOnly = (viewer: Viewer) => viewer?.status !== 'approved';

  return {
    /**
     * The product whose version this is, as registrations name it (`product_version_id`): the API, its service
     * and strategy. 404 when the viewer may not see it.
     */
    async productOfVersion(versionId: string, viewer: Viewer): Promise<PublishedProduct> {
      const found = await visible(versionId, viewer);
      if (!found) throw new NotFound('product version', versionId);
      return found;
    },
    async list(query: ProductListQuery, viewer: Viewer): Promise<ListBody<Product>> {
      const { request, total, products } = await page(query, {
        portalId: PORTAL.id,
        publicOnly: publicOnly(viewer),
        id: query['filter[id][eq]'] ?? query['filter[id]'],
        name: query['filter[name][eq]'] ?? query['filter[name]'],
        nameContains: query['filter[name][contains]'],
        description: query['filter[description][eq]'] ?? query['filter[description]'],
        descriptionContains: query['filter[description][contains]'],
      });
      return listOf(products.map(presentProduct), request, total);
    },
    get: async (productId: string, viewer: Viewer): Promise<Product> => presentProduct(await product(productId, viewer)),
    /** What the viewer may do with the product: register only signed in, and only when it has an auth strategy. */
    async actions(productId: string, viewer: Viewer) {
      const found = await product(productId, viewer);
      return { actions: { view: true, register: viewer !== undefined && found.strategy !== null, view_documentation: true } };
    },
    /** The one version, when its name passes the filters. */
    async versions(productId: string, query: NameListQuery, viewer: Viewer): Promise<ListBody<ProductVersion>> {
      const found = presentVersion(await product(productId, viewer));
      const equal = query['filter[name][eq]'] ?? query['filter[name]'];
      const contains = query['filter[name][contains]']?.toLowerCase();
      const passes = (equal === undefined || found.name === equal) && (contains === undefined || found.name.toLowerCase().includes(contains));
      const request = pageRequest(query);
      const matching = passes ? [found] : [];
      return listOf(matching.slice((request.number - 1) * request.size, request.number * request.size), request, matching.length);
    },
    version: async (productId: string, versionId: string, viewer: Viewer): Promise<ProductVersion> =>
      presentVersion(await version(productId, versionId, viewer)),
    /** The API's OpenAPI document as published; null: it has none (the contract's 204). */
    async spec(productId: string, versionId: string, viewer: Viewer): Promise<SpecDocument | null> {
      const { api } = await version(productId, versionId, viewer);
      return api.spec_content === null ? null : { api_type: 'openapi', content: api.spec_content };
    },
    async specOperations(productId: string, versionId: string, viewer: Viewer): Promise<SpecOperations | null> {
      const { api } = await version(productId, versionId, viewer);
      return api.spec_content === null ? null : { api_type: 'openapi', operations: operationsOf(api.spec_content) };
    },
    /** The portal keeps no documents: a product's list is empty. */
    async documents(productId: string, query: { 'page[number]'?: number; 'page[size]'?: number }, viewer: Viewer): Promise<ListBody<never>> {
      await product(productId, viewer);
      return listOf([], pageRequest(query), 0);
    },
    async document(productId: string, documentId: string, viewer: Viewer): Promise<never> {
      await product(productId, viewer);
      throw new NotFound('document', documentId);
    },
    /** The product catalog index: products whose name or description holds every word of `q`. */
    async search(query: SearchQuery, viewer: Viewer): Promise<ListBody<CatalogEntry>> {
      const { request, total, products } = await page(query, {
        portalId: PORTAL.id,
        publicOnly: publicOnly(viewer),
        words: (query.q ?? '').split(/\s+/).filter((word) => word.length > 0),
      });
      return listOf(
        products.map((p) => ({ index: 'product-catalog' as const, source: presentProduct(p) })),
        request,
        total,
      );
    },
    /**
     * The developer's applications with their registration for the version: any status by default, only those
     * without one when `unregistered`. Applications being deleted are left out.
     */
    async applicationsOfVersion(productId: string, versionId: string, query: VersionApplicationsQuery, developer: Developer): Promise<ListBody<VersionApplication>> {
      const { service } = await version(productId, versionId, developer);
      const name = query['filter[name][eq]'] ?? query['filter[name]'];
      const contains = query['filter[name][contains]']?.toLowerCase();
      const status = query['filter[status][eq]'] ?? query['filter[status]'];
      const strategyId = query['filter[auth_strategy_id][eq]'] ?? query['filter[auth_strategy_id]'];
      const applications = (await store.applications.listAllOfDeveloper(developer.id)).filter(
        (a) =>
          a.status !== 'pending_deletion' &&
          (name === undefined || a.name === name) &&
          (contains === undefined || a.name.toLowerCase().includes(contains)) &&
          (strategyId === undefined || a.auth_strategy_id === strategyId),
      );
      const rows = await Promise.all(
        applications.map(async (application) => ({ application, registration: await store.registrations.ofService(application.id, service) })),
      );
      const matching = rows.filter(({ registration }) =>
        query.unregistered === true ? registration === undefined : registration !== undefined && (status === undefined || registration.status === status),
      );
      const request = pageRequest(query);
      const shown = matching.slice((request.number - 1) * request.size, request.number * request.size);
      const data = await Promise.all(
        shown.map(async ({ application, registration }) => {
          // Applications reference their strategy (a foreign key): it exists.
          const strategy = (await store.strategies.get(application.auth_strategy_id)) as AuthStrategy;
          const { available_scopes: _scopes, ...authStrategy } = presentAuthStrategy(strategy);
          return {
            id: application.id,
            name: application.name,
            registration_id: registration?.id ?? null,
            registration_status: registration?.status ?? null,
            auth_strategy: authStrategy,
            created_at: application.created_at,
            updated_at: application.updated_at,
          };
        }),
      );
      return listOf(data, request, matching.length);
    },
    /** The strategies of the published APIs, as applications choose one. */
    async authStrategies(query: AuthStrategyListQuery): Promise<ListBody<PortalAuthStrategy>> {
      const type = query['filter[credential_type][eq]'];
      const request = pageRequest(query);
      const filter = {
        portalId: PORTAL.id,
        displayName: query['filter[name][eq]'] ?? query['filter[name]'],
        displayNameContains: query['filter[name][contains]'],
        dcr: type === undefined ? undefined : type === 'client_credentials',
      };
      if (type === 'key_auth') return listOf([], request, 0);
      const result = await store.strategies.listPublished(request, filter);
      return listOf(result.items.map(presentAuthStrategy), request, result.total);
    },
  };
}

export type PortalProducts = ReturnType<typeof portalProducts>;
