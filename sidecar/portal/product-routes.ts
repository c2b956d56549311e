import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AccountSessions } from '../domain/accounts/sessions';
import type { PortalProducts } from '../domain/portal-products';
import { PageQuery } from '../domain/shapes/common';
import {
  AuthStrategyListQuery,
  DocumentList,
  DocumentParams,
  NameListQuery,
  PortalAuthStrategyList,
  Product,
  ProductActions,
  ProductList,
  ProductListQuery,
  ProductParams,
  ProductVersion,
  ProductVersionList,
  SearchParams,
  SearchQuery,
  SearchResults,
  SpecDocument,
  SpecOperations,
  VersionApplicationList,
  VersionApplicationsQuery,
  VersionParams,
} from '../domain/shapes/portal-products';
import { type OperationSpec, operation } from '../routes/schemas';
import { acceptPortalSession, activeSession, requirePortalSession, viewerOf } from './auth';
import type { SessionCookie } from './session-cookie';

/** The contract's security: the portal session, or (catalog reads) anonymous too. */
const SESSION = [{ portalAccessToken: [] }];
const SESSION_OR_ANONYMOUS = [...SESSION, {}];

const NO_SPEC = { 204: Type.Null({ description: 'the API has no OpenAPI document' }) };

/**
 * Portal API v2 catalog: products (published APIs) with their one version, its spec, documents (none), search,
 * and the auth strategies of published APIs. Anonymous visitors see public publications; a signed-in developer
 * sees the private ones too.
 */
export function productRoutes(products: PortalProducts, sessions: AccountSessions, cookie: SessionCookie) {
  const anyone = acceptPortalSession(sessions, cookie);
  const signedIn = requirePortalSession(sessions, cookie);
  /** Open to anonymous visitors; a session cookie, when it opens one, shows what the developer may see. */
  const catalog = (spec: OperationSpec) => ({
    ...operation(undefined, { ...spec, security: SESSION_OR_ANONYMOUS, errors: spec.errors ?? [404] }),
    onRequest: anyone,
  });

  return async (app: FastifyInstance) => {
    app.get<{ Querystring: ProductListQuery }>(
      '/api/v2/products',
      catalog({ summary: 'List products', tags: ['products'], querystring: ProductListQuery, response: { 200: ProductList }, errors: [] }),
      async (request) => products.list(request.query, viewerOf(request)),
    );
    app.get<{ Params: ProductParams }>(
      '/api/v2/products/:productId',
      catalog({ summary: 'Get a product', tags: ['products'], params: ProductParams, response: { 200: Product } }),
      async (request) => products.get(request.params.productId, viewerOf(request)),
    );
    app.get<{ Params: ProductParams }>(
      '/api/v2/products/:productId/actions',
      catalog({ summary: 'Get product actions', description: 'register: signed in, and the API has an auth strategy', tags: ['products'], params: ProductParams, response: { 200: ProductActions } }),
      async (request) => products.actions(request.params.productId, viewerOf(request)),
    );
    app.get<{ Params: ProductParams; Querystring: PageQuery }>(
      '/api/v2/products/:productId/documents',
      catalog({ summary: 'List product documents', description: 'this portal keeps no documents: always empty', tags: ['documentation'], params: ProductParams, querystring: PageQuery, response: { 200: DocumentList } }),
      async (request) => products.documents(request.params.productId, request.query, viewerOf(request)),
    );
    app.get<{ Params: DocumentParams }>(
      '/api/v2/products/:productId/documents/:documentId',
      catalog({ summary: 'Get one product document', description: 'this portal keeps no documents: always 404', tags: ['documentation'], params: DocumentParams, response: {} }),
      async (request) => products.document(request.params.productId, request.params.documentId, viewerOf(request)),
    );
    app.get<{ Params: ProductParams; Querystring: NameListQuery }>(
      '/api/v2/products/:productId/versions',
      catalog({ summary: 'List product versions', description: "one: the API's version", tags: ['versions'], params: ProductParams, querystring: NameListQuery, response: { 200: ProductVersionList } }),
      async (request) => products.versions(request.params.productId, request.query, viewerOf(request)),
    );
    app.get<{ Params: VersionParams }>(
      '/api/v2/products/:productId/versions/:productVersionId',
      catalog({ summary: 'Get product version', tags: ['versions'], params: VersionParams, response: { 200: ProductVersion } }),
      async (request) => products.version(request.params.productId, request.params.productVersionId, viewerOf(request)),
    );
    app.get<{ Params: VersionParams; Querystring: VersionApplicationsQuery }>(
      '/api/v2/products/:productId/versions/:productVersionId/applications',
      {
        ...operation(undefined, {
          summary: 'Get applications by product version',
          description: "the developer's applications with their registration for the version (unregistered: those without one)",
          tags: ['versions'],
          security: SESSION,
          params: VersionParams,
          querystring: VersionApplicationsQuery,
          response: { 200: VersionApplicationList },
          errors: [401, 404],
        }),
        onRequest: signedIn,
      },
      async (request) => products.applicationsOfVersion(request.params.productId, request.params.productVersionId, request.query, activeSession(request).developer),
    );
    app.get<{ Params: VersionParams }>(
      '/api/v2/products/:productId/versions/:productVersionId/spec',
      catalog({ summary: 'Get spec for product version', description: "the API's OpenAPI document as published", tags: ['versions'], params: VersionParams, response: { 200: SpecDocument, ...NO_SPEC } }),
      async (request, reply) => {
        const spec = await products.spec(request.params.productId, request.params.productVersionId, viewerOf(request));
        return spec ?? reply.code(204).send();
      },
    );
    app.get<{ Params: VersionParams }>(
      '/api/v2/products/:productId/versions/:productVersionId/spec/operations',
      catalog({ summary: 'Get operations in version spec', tags: ['versions'], params: VersionParams, response: { 200: SpecOperations, ...NO_SPEC } }),
      async (request, reply) => {
        const operations = await products.specOperations(request.params.productId, request.params.productVersionId, viewerOf(request));
        return operations ?? reply.code(204).send();
      },
    );
    app.get<{ Querystring: SearchQuery }>(
      '/api/v2/search/:indices',
      catalog({ summary: 'Search portal entities', description: 'the product catalog: products whose name or description holds every word of q', tags: ['search'], params: SearchParams, querystring: SearchQuery, response: { 200: SearchResults }, errors: [] }),
      async (request) => products.search(request.query, viewerOf(request)),
    );
    app.get<{ Querystring: AuthStrategyListQuery }>(
      '/api/v2/applications/auth-strategies',
      {
        ...operation(undefined, { summary: 'List the available auth strategies', description: 'those of the published APIs', tags: ['applications'], security: SESSION, querystring: AuthStrategyListQuery, response: { 200: PortalAuthStrategyList }, errors: [401] }),
        onRequest: signedIn,
      },
      async (request) => products.authStrategies(request.query),
    );
  };
}
