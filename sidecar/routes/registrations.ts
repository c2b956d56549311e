import type { FastifyInstance } from 'fastify';
import { type Static, Type } from '@sinclair/typebox';
import type { RegistrationService } from '../domain/registrations';
import { ListOf, PageQuery } from '../domain/shapes/common';
import { Decision, Registration, RegistrationInput, RegistrationListQuery } from '../domain/shapes/registrations';
import { type AccessControl, actorOf, callerOf, developerOf } from '../http/auth';
import { IdParams, operation } from './schemas';

const RegistrationParams = Type.Object({ id: Type.String({ format: 'uuid' }), rid: Type.String({ format: 'uuid' }) });

/** The developer asks for a service (POST); an admin decides (PATCH); both list them (GET), a developer only their own. */
export function registrationRoutes(registrations: RegistrationService, access: AccessControl) {
  const tags = ['registrations'];
  const path = '/v2/applications/:id/registrations';
  return async (app: FastifyInstance) => {
    app.post<{ Params: Static<typeof IdParams>; Body: RegistrationInput }>(
      path,
      operation(access.developer, {
        summary: 'Ask for a gateway service',
        description: 'pending until an admin decides, approved at once when the auth strategy says auto_approve; 404 for a service the gateway does not have',
        tags,
        params: IdParams,
        body: RegistrationInput,
        response: { 201: Registration },
        errors: [404, 409],
      }),
      async (request, reply) => reply.code(201).send(await registrations.request(developerOf(request), request.params.id, request.body, actorOf(request))),
    );
    app.get<{ Params: Static<typeof IdParams>; Querystring: PageQuery }>(
      path,
      operation(access.adminOrDeveloper, {
        summary: "List an application's registrations",
        tags,
        params: IdParams,
        querystring: PageQuery,
        response: { 200: ListOf(Registration) },
        errors: [404],
      }),
      async (request) => registrations.list(callerOf(request), request.params.id, request.query),
    );
    app.patch<{ Params: Static<typeof RegistrationParams>; Body: Decision }>(
      `${path}/:rid`,
      operation(access.admin, {
        summary: 'Approve, reject or revoke a registration',
        description: 'pending -> approved | rejected, approved -> revoked; any other move is a 409',
        tags,
        params: RegistrationParams,
        body: Decision,
        response: { 200: Registration },
        errors: [404, 409],
      }),
      async (request) => registrations.decide(request.params.id, request.params.rid, request.body, actorOf(request)),
    );
    app.delete<{ Params: Static<typeof RegistrationParams> }>(
      `${path}/:rid`,
      operation(access.developer, {
        summary: 'Withdraw a registration (in any state; it is deleted)',
        tags,
        params: RegistrationParams,
        response: { 204: Type.Null() },
        errors: [404],
      }),
      async (request, reply) => {
        await registrations.withdraw(developerOf(request), request.params.id, request.params.rid, actorOf(request));
        return reply.code(204).send();
      },
    );
    app.get<{ Querystring: RegistrationListQuery }>(
      '/v2/registrations',
      operation(access.admin, {
        summary: "List every application's registrations, pending first",
        tags,
        querystring: RegistrationListQuery,
        response: { 200: ListOf(Registration) },
      }),
      async (request) => registrations.listAll(request.query),
    );
  };
}
