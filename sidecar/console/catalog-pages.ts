import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ServiceParams, ServicePublication } from '../domain/shapes/console';
import type { ConsoleDomain } from './pages';
import { SEE_OTHER, consoleRoute } from './routes';

const LIST = '/admin/apis';
const FORM = '/console/templates/publication-form';

/** APIs: every kong.yml service, its publication in the portal, and the drift of its okta-auth config from the strategy. */
export function catalogPages({ catalog, access }: Pick<ConsoleDomain, 'catalog' | 'access'>) {
  const form = (request: FastifyRequest) => catalog.publicationOf((request.params as ServiceParams).service);
  return async (app: FastifyInstance) => {
    app.get(LIST, consoleRoute(), async (_request, reply) => reply.page('/console/templates/apis', { overview: await catalog.overview() }));
    app.get(`${LIST}/:service/publish`, consoleRoute({ params: ServiceParams }), async (request, reply) =>
      reply.page(FORM, { form: await form(request) }),
    );
    app.post<{ Params: ServiceParams; Body: ServicePublication }>(
      `${LIST}/:service/publish`,
      consoleRoute({ params: ServiceParams, body: ServicePublication, form: { template: FORM, data: async (request) => ({ form: await form(request) }) } }),
      async (request, reply) => {
        await catalog.publish(request.params.service, request.body, access.actor(request.ip));
        return reply.redirect(LIST, SEE_OTHER);
      },
    );
  };
}
