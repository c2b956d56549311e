import type { FastifyInstance } from 'fastify';
import type { DeveloperStatuses } from '../domain/accounts/developer-status';
import {
  DeveloperStatusChange,
  PortalDeveloperItem,
  PortalDeveloperParams,
} from '../domain/shapes/portal-developers';
import { type Access, actorOf } from '../http/auth';
import { operation } from './schemas';

/** `PATCH /v3/portals/{portalId}/developers/{developerId} {status}`: approve, reject, suspend, reinstate (admin). */
export function portalDeveloperRoutes(statuses: DeveloperStatuses, admin: Access) {
  return async (app: FastifyInstance) => {
    app.patch<{ Params: PortalDeveloperParams; Body: DeveloperStatusChange }>(
      '/v3/portals/:portalId/developers/:developerId',
      operation(admin, {
        summary: "Change a developer's status",
        description:
          'pending -> approved | rejected, approved -> revoked (suspend: their sessions end at once) -> approved (reinstate); ' +
          'approving needs a verified email when verification is on',
        tags: ['portals'],
        params: PortalDeveloperParams,
        body: DeveloperStatusChange,
        response: { 200: PortalDeveloperItem },
        errors: [404, 409],
      }),
      async (request) => statuses.change(request.params.portalId, request.params.developerId, request.body.status, actorOf(request)),
    );
  };
}
