import type { FastifyInstance } from 'fastify';
import { type Static, Type } from '@sinclair/typebox';
import type { ApplicationService } from '../domain/applications';
import {
  Application,
  ApplicationInput,
  ApplicationListQuery,
  ApplicationPatch,
  ClaimedApplicationInput,
  IdempotencyHeaders,
} from '../domain/shapes/applications';
import { ListOf } from '../domain/shapes/common';
import { type AccessControl, actorOf, callerOf, developerOf } from '../http/auth';
import { IdParams, operation } from './schemas';

/**
 * `/v2/applications`: a developer creates and manages their own (another's is 404); the admin lists, disables and
 * deletes any.
 */
export function applicationRoutes(applications: ApplicationService, access: AccessControl) {
  const tags = ['applications'];
  return async (app: FastifyInstance) => {
    app.post<{ Body: ApplicationInput; Headers: Static<typeof IdempotencyHeaders> }>(
      '/v2/applications',
      operation(access.developer, {
        summary: 'Create an application (registers its client at the IdP, or takes an existing client the developer proves they hold)',
        description:
          'the client secret is in this response only (an Idempotency-Key replay answers the same application without it, and says so in replayed). Self-managed strategies: client_id and client_secret, checked by one client_credentials request at the issuer; the secret is not stored',
        tags,
        body: ApplicationInput,
        headers: IdempotencyHeaders,
        response: { 201: Application },
        errors: [409, 422, 429, 502, 503],
      }),
      async (request, reply) =>
        reply.code(201).send(await applications.create(developerOf(request), request.body, actorOf(request), request.headers['idempotency-key'])),
    );
    app.post<{ Params: Static<typeof IdParams>; Body: ClaimedApplicationInput }>(
      '/v2/developers/:id/applications',
      operation(access.admin, {
        summary: "Claim an existing IdP client as a developer's application, without proof (marked unverified)",
        description: 'auth strategies without a DCR provider only; a client ID that belongs to an application is a 409',
        tags,
        params: IdParams,
        body: ClaimedApplicationInput,
        response: { 201: Application },
        errors: [404, 409],
      }),
      async (request, reply) => reply.code(201).send(await applications.claim(request.params.id, request.body, actorOf(request))),
    );
    app.get<{ Querystring: ApplicationListQuery }>(
      '/v2/applications',
      operation(access.adminOrDeveloper, {
        summary: 'List applications',
        description: "a developer's own; the admin's: every developer's",
        tags,
        querystring: ApplicationListQuery,
        response: { 200: ListOf(Application) },
      }),
      async (request) => applications.list(callerOf(request), request.query),
    );
    app.get<{ Params: Static<typeof IdParams> }>(
      '/v2/applications/:id',
      operation(access.adminOrDeveloper, { summary: 'Get an application', tags, params: IdParams, response: { 200: Application }, errors: [404] }),
      async (request) => applications.get(callerOf(request), request.params.id),
    );
    app.patch<{ Params: Static<typeof IdParams>; Body: ApplicationPatch }>(
      '/v2/applications/:id',
      operation(access.developer, {
        summary: 'Rename or describe an application',
        tags,
        params: IdParams,
        body: ApplicationPatch,
        response: { 200: Application },
        errors: [404],
      }),
      async (request) => applications.update(developerOf(request), request.params.id, request.body, actorOf(request)),
    );
    app.delete<{ Params: Static<typeof IdParams> }>(
      '/v2/applications/:id',
      operation(access.adminOrDeveloper, {
        summary: 'Delete an application and its IdP client',
        description: '204 when the IdP client is deleted; 202 with the application pending_deletion when the IdP could not, retried in the background',
        tags,
        params: IdParams,
        response: { 202: Application, 204: Type.Null() },
        errors: [404],
      }),
      async (request, reply) => {
        const pending = await applications.delete(callerOf(request), request.params.id, actorOf(request));
        return pending ? reply.code(202).send(pending) : reply.code(204).send();
      },
    );
    app.post<{ Params: Static<typeof IdParams> }>(
      '/v2/applications/:id/refresh-secret',
      operation(access.developer, {
        summary: 'Get a new client secret from the IdP',
        description: 'the new secret is in this response only; the old one stops working',
        tags,
        params: IdParams,
        response: { 200: Application },
        errors: [404, 409, 502, 503],
      }),
      async (request) => applications.refreshSecret(developerOf(request), request.params.id, actorOf(request)),
    );
    for (const [action, enabled] of [['disable', false], ['enable', true]] as const) {
      app.post<{ Params: Static<typeof IdParams> }>(
        `/v2/applications/:id/${action}`,
        operation(access.admin, {
          summary: enabled ? 'Enable a disabled application' : 'Disable an application (the gateway refuses it; its client stays)',
          tags,
          params: IdParams,
          response: { 200: Application },
          errors: [404, 409],
        }),
        async (request) => applications.setEnabled(request.params.id, enabled, actorOf(request)),
      );
    }
  };
}
