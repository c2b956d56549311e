import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import { type Static, Type } from '@sinclair/typebox';
import type { DeveloperStatuses } from '../domain/accounts/developer-status';
import { notFound } from '../domain/errors';
import { PORTAL_ID } from '../domain/portal';
import type { Developer } from '../store/records';
import { errorResponses } from './schemas';

const DeveloperStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('approved'),
  Type.Literal('rejected'),
  Type.Literal('revoked'),
]);

/** Konnect v3's portal developer. */
export const PortalDeveloper = Type.Object({
  id: Type.String(),
  email: Type.String(),
  full_name: Type.String(),
  status: DeveloperStatus,
  created_at: Type.String(),
  updated_at: Type.String(),
});

const Params = Type.Object({ portalId: Type.String({ format: 'uuid' }), developerId: Type.String({ format: 'uuid' }) });
const StatusChange = Type.Object({ status: DeveloperStatus }, { additionalProperties: false });

const portalDeveloper = (developer: Developer): Static<typeof PortalDeveloper> => developer;

/** `PATCH /v3/portals/{portalId}/developers/{developerId} {status}`: approve, reject, suspend, reinstate (admin). */
export function portalDeveloperRoutes(statuses: DeveloperStatuses, adminOnly: onRequestAsyncHookHandler) {
  return async (app: FastifyInstance) => {
    app.addHook('onRequest', adminOnly);
    app.patch<{ Params: Static<typeof Params>; Body: Static<typeof StatusChange> }>(
      '/v3/portals/:portalId/developers/:developerId',
      { schema: { tags: ['portals'], params: Params, body: StatusChange, response: { 200: PortalDeveloper, ...errorResponses } } },
      async (request) => {
        if (request.params.portalId !== PORTAL_ID) throw notFound('portal', request.params.portalId);
        return portalDeveloper(await statuses.change(request.params.developerId, request.body.status));
      },
    );
  };
}
