import type { FastifyInstance } from 'fastify';

/**
 * `GET /docs/portal/json`: the portal listener's OpenAPI document (Portal API v2), served here because the
 * portal listener serves nothing but `/api/v2` and the portal's pages. Built at the first request and kept:
 * building it means building a whole portal app, which no start-up (nor any test that never asks) should pay for.
 */
export function portalDocsRoutes(buildDocument: () => Promise<unknown>) {
  let document: Promise<unknown> | undefined;
  return async (app: FastifyInstance) => {
    app.get('/docs/portal/json', { schema: { hide: true } }, async () => {
      document ??= buildDocument().catch((error: unknown) => {
        document = undefined;
        throw error;
      });
      return document;
    });
  };
}
