import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import { type Static, Type } from '@sinclair/typebox';
import { applicationByClientId } from '../domain/gateway-lookup';
import type { Store } from '../store';
import { errorResponses } from './schemas';

const Params = Type.Object({ client_id: Type.String({ minLength: 1, maxLength: 255 }) });

const Mapping = Type.Object({
  application: Type.Object({ id: Type.String(), name: Type.String(), status: Type.String() }),
  developer: Type.Object({ id: Type.String(), email: Type.String(), status: Type.Optional(Type.String()) }),
  services: Type.Array(Type.String(), { description: 'the services the application is approved for' }),
});

/** What the gateway plugin calls, with the gateway token, to map a client ID to an application. */
export function internalRoutes(store: Store, gatewayOnly: onRequestAsyncHookHandler) {
  return async (app: FastifyInstance) => {
    app.addHook('onRequest', gatewayOnly);
    app.get<{ Params: Static<typeof Params> }>(
      '/v2/internal/applications/by-client-id/:client_id',
      { schema: { tags: ['internal'], params: Params, response: { 200: Mapping, ...errorResponses } } },
      async (request) => applicationByClientId(store, request.params.client_id),
    );
  };
}
