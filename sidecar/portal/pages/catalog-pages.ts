import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiPages } from '../../domain/api-pages';
import type { PortalProducts } from '../../domain/portal-products';
import { AccessRequestForm } from '../../domain/shapes/api-pages';
import { ProductListQuery, ProductParams } from '../../domain/shapes/portal-products';
import { activeSession, sessionActorOf, viewerOf } from '../auth';
import { signedInPage } from './signed-in';

const T = '/portal/pages/templates';

type ApiRequest = FastifyRequest<{ Params: ProductParams }>;

const developerOf = (request: FastifyRequest) => activeSession(request).developer;

/**
 * APIs: the catalog a visitor may see (private APIs only signed in), an API with its reference, and Use this API
 * (pick one of my apps, Request access).
 */
export function catalogPages(products: PortalProducts, apis: ApiPages) {
  return async (app: FastifyInstance) => {
    app.get<{ Querystring: ProductListQuery }>('/apis', { schema: { querystring: ProductListQuery } }, async (request, reply) =>
      reply.page(`${T}/apis`, { apis: await products.list(request.query, viewerOf(request)) }),
    );
    app.get<{ Params: ProductParams }>('/apis/:productId', { schema: { params: ProductParams } }, async (request, reply) =>
      reply.page(`${T}/api`, { api: await apis.page(request.params.productId, viewerOf(request)) }),
    );

    app.register(async (signedIn) => {
      signedIn.addHook('onRequest', signedInPage);
      const choices = (request: FastifyRequest) => apis.useThisApi((request as ApiRequest).params.productId, developerOf(request));
      signedIn.get<{ Params: ProductParams }>('/apis/:productId/use', { schema: { params: ProductParams } }, async (request, reply) =>
        reply.page(`${T}/use-api`, { ...(await choices(request)) }),
      );
      signedIn.post<{ Params: ProductParams; Body: AccessRequestForm }>(
        '/apis/:productId/use',
        { schema: { params: ProductParams, body: AccessRequestForm }, config: { form: { template: `${T}/use-api`, data: async (request) => ({ ...(await choices(request)) }) } } },
        async (request, reply) => {
          const { productId } = request.params;
          return reply.page(`${T}/access-requested`, await apis.requestAccess(productId, developerOf(request), request.body.application_id, sessionActorOf(request)));
        },
      );
    });
  };
}
