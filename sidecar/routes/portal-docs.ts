import type { FastifyInstance } from 'fastify';

/**
 * `GET /docs/portal/json`: the portal listener's OpenAPI document (Portal API v2), served here because the
 * portal listener serves nothing but `/api/v2` and the portal's pages.
 */
export function portalDocsRoutes(document: unknown) {
  return async (app: FastifyInstance) => {
    app.get('/docs/portal/json', { schema: { hide: true } }, async () => document);
  };
}
