import type { FastifyInstance } from 'fastify';
import { type Static, Type } from '@sinclair/typebox';
import type { PortalService } from '../domain/portal-admin';
import { PortalList } from '../domain/shapes/catalog';
import { PageQuery } from '../domain/shapes/common';
import { PortalApplicationList, PortalRegistration, PortalRegistrationList, PortalRegistrationQuery } from '../domain/shapes/portal-admin';
import { Decision } from '../domain/shapes/registrations';
import { type Access, actorOf } from '../http/auth';
import { operation } from './schemas';

const PortalParams = Type.Object({ portalId: Type.String({ format: 'uuid' }) });
const RegistrationParams = Type.Composite([
  PortalParams,
  Type.Object({ applicationId: Type.String({ format: 'uuid' }), registrationId: Type.String({ format: 'uuid' }) }),
]);

/** `/v3/portals`, in Konnect's portal-management v3 shapes: the one portal, its applications and registrations. */
export function portalRoutes(portal: PortalService, admin: Access) {
  const tags = ['portals'];
  return async (app: FastifyInstance) => {
    app.get(
      '/v3/portals',
      operation(admin, { summary: 'List the portals (there is one, with a fixed id)', tags, response: { 200: PortalList } }),
      async () => portal.list(),
    );
    app.get<{ Params: Static<typeof PortalParams>; Querystring: PortalRegistrationQuery }>(
      '/v3/portals/:portalId/application-registrations',
      operation(admin, {
        summary: "List the registrations for the catalog's APIs, pending first",
        tags,
        params: PortalParams,
        querystring: PortalRegistrationQuery,
        response: { 200: PortalRegistrationList },
        errors: [404],
      }),
      async (request) => portal.registrations(request.params.portalId, request.query),
    );
    app.patch<{ Params: Static<typeof RegistrationParams>; Body: Decision }>(
      '/v3/portals/:portalId/applications/:applicationId/registrations/:registrationId',
      operation(admin, {
        summary: 'Approve, reject or revoke a registration',
        tags,
        params: RegistrationParams,
        body: Decision,
        response: { 200: PortalRegistration },
        errors: [404, 409],
      }),
      async (request) => {
        const { portalId, applicationId, registrationId } = request.params;
        return portal.decide(portalId, applicationId, registrationId, request.body, actorOf(request));
      },
    );
    app.get<{ Params: Static<typeof PortalParams>; Querystring: PageQuery }>(
      '/v3/portals/:portalId/applications',
      operation(admin, {
        summary: "List the portal's applications",
        tags,
        params: PortalParams,
        querystring: PageQuery,
        response: { 200: PortalApplicationList },
        errors: [404],
      }),
      async (request) => portal.applications(request.params.portalId, request.query),
    );
  };
}
