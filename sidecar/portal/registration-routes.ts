import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import { type Static, Type } from '@sinclair/typebox';
import type { PortalRegistrationService } from '../domain/portal-registrations';
import { ListOf } from '../domain/shapes/common';
import { CreateRegistrationPayload, PortalRegistration, RegistrationListQuery } from '../domain/shapes/portal-applications';
import { ApplicationParams } from './application-routes';
import { sessionActorOf, sessionDeveloper, sessionOperation } from './auth';

const RegistrationParams = Type.Composite([ApplicationParams, Type.Object({ registrationId: Type.String({ format: 'uuid' }) })]);
type RegistrationParams = Static<typeof RegistrationParams>;
type ApplicationParams = Static<typeof ApplicationParams>;

/** Portal API v2 `/api/v2/applications/{id}/registrations`: the developer asks for a product version, reads and withdraws. */
export function portalRegistrationRoutes(registrations: PortalRegistrationService, signedIn: onRequestAsyncHookHandler) {
  const withSession = sessionOperation(signedIn);
  const tags = ['registrations'];
  const path = '/api/v2/applications/:applicationId/registrations';

  return async (app: FastifyInstance) => {
    app.get<{ Params: ApplicationParams; Querystring: RegistrationListQuery }>(
      path,
      withSession({
        summary: "List an application's registrations",
        tags,
        params: ApplicationParams,
        querystring: RegistrationListQuery,
        response: { 200: ListOf(PortalRegistration) },
        errors: [404],
      }),
      async (request) => registrations.list(sessionDeveloper(request), request.params.applicationId, request.query),
    );
    app.post<{ Params: ApplicationParams; Body: CreateRegistrationPayload }>(
      path,
      withSession({
        summary: 'Register an application for a product version',
        description:
          "pending until an admin decides, or approved at once when the API (or its auth strategy) auto-approves; a second request while one is pending or approved is a 409, a new one after a rejection or revocation is pending again",
        tags,
        params: ApplicationParams,
        body: CreateRegistrationPayload,
        response: { 201: PortalRegistration },
        errors: [404, 409],
      }),
      async (request, reply) =>
        reply.code(201).send(await registrations.request(sessionDeveloper(request), request.params.applicationId, request.body, sessionActorOf(request))),
    );
    app.get<{ Params: RegistrationParams }>(
      `${path}/:registrationId`,
      withSession({ summary: 'Get a registration', tags, params: RegistrationParams, response: { 200: PortalRegistration }, errors: [404] }),
      async (request) => registrations.get(sessionDeveloper(request), request.params.applicationId, request.params.registrationId),
    );
    app.get<{ Params: RegistrationParams }>(
      `${path}/:registrationId/granted-scopes`,
      withSession({
        summary: 'Get the granted scopes of a registration',
        description: "always 422 for one's own registration: no auth strategy of this portal grants scopes per registration",
        tags,
        params: RegistrationParams,
        response: {},
        errors: [404, 422],
      }),
      async (request) => registrations.grantedScopes(sessionDeveloper(request), request.params.applicationId, request.params.registrationId),
    );
    app.delete<{ Params: RegistrationParams }>(
      `${path}/:registrationId`,
      withSession({ summary: 'Withdraw a registration (in any state)', tags, params: RegistrationParams, response: { 204: Type.Null() }, errors: [404] }),
      async (request, reply) =>
        reply
          .code(204)
          .send(await registrations.withdraw(sessionDeveloper(request), request.params.applicationId, request.params.registrationId, sessionActorOf(request))),
    );
  };
}
