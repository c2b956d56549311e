import type { FastifyInstance } from 'fastify';
import type { ServiceCatalog } from '../domain/services';
import { ServiceList } from '../domain/shapes/services';
import type { Access } from '../http/auth';
import { operation } from './schemas';

/** `GET /v2/services`: the gateway services an application can register for. */
export function serviceRoutes(services: ServiceCatalog, adminOrDeveloper: Access) {
  return async (app: FastifyInstance) => {
    app.get(
      '/v2/services',
      operation(adminOrDeveloper, {
        summary: 'List the gateway services an application can register for',
        description: "the services of Kong's declarative file (SIDECAR_KONG_DECLARATIVE_CONFIG); without it meta.checked is false and any name is accepted",
        tags: ['services'],
        response: { 200: ServiceList },
      }),
      async () => services.list(),
    );
  };
}
