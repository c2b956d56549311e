import type { FastifyInstance } from 'fastify';
import { type Static, Type } from '@sinclair/typebox';
import type { Access } from '../http/auth';
import { operation } from './schemas';

const Params = Type.Object({ client_id: Type.String({ minLength: 1, maxLength: 255 }) });

const Mapping = Type.Object({
  application: Type.Object({ id: Type.String(), name: Type.String(), status: Type.String() }),
  developer: Type.Object({
    id: Type.String(),
    email: Type.String(),
    status: Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected'), Type.Literal('revoked')], {
      description: 'revoked: suspended, the plugin refuses with 403',
    }),
  }),
  services: Type.Array(Type.String(), { description: 'the services the application is approved for' }),
});

/** The gateway's lookup: the application, developer and approved services of a client ID. */
export type GatewayLookup = (clientId: string) => Promise<Static<typeof Mapping>>;

/** What the gateway plugin calls, with the gateway token, to map a client ID to an application. */
export function internalRoutes(lookup: GatewayLookup, gateway: Access) {
  return async (app: FastifyInstance) => {
    app.get<{ Params: Static<typeof Params> }>(
      '/v2/internal/applications/by-client-id/:client_id',
      operation(gateway, {
        summary: 'Map a client ID to its application (the gateway plugin)',
        tags: ['internal'],
        params: Params,
        response: { 200: Mapping },
        errors: [404],
      }),
      async (request) => lookup(request.params.client_id),
    );
  };
}
