import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import { type Static, Type } from '@sinclair/typebox';
import type { ApplicationService } from '../domain/applications';
import { notFound } from '../domain/errors';
import type { RegistrationService } from '../domain/registrations';
import type { Store } from '../store';
import type { Developer } from '../store/records';
import { IdParams, ListOf, PageQuery, errorResponses, listBody, pageRequest } from './schemas';

const Registration = Type.Object({
  id: Type.String(),
  application_id: Type.String(),
  service: Type.String(),
  status: Type.String(),
  created_at: Type.String(),
  updated_at: Type.String(),
});

const Create = Type.Object({ service: Type.String({ minLength: 1, maxLength: 255, description: 'a service name as in kong.yml' }) });
const Decision = Type.Object({ status: Type.Union([Type.Literal('approved'), Type.Literal('rejected'), Type.Literal('revoked')]) });
const RegistrationParams = Type.Object({ id: Type.String({ format: 'uuid' }), rid: Type.String({ format: 'uuid' }) });

/** The developer asks for a service (POST); an admin decides (PATCH); both list them (GET), a developer only their own. */
export function registrationRoutes(
  store: Store,
  applications: ApplicationService,
  registrations: RegistrationService,
  auth: {
    developerOnly: onRequestAsyncHookHandler;
    adminOnly: onRequestAsyncHookHandler;
    adminOrDeveloper: onRequestAsyncHookHandler;
  },
) {
  const tags = ['registrations'];
  const path = '/v2/applications/:id/registrations';
  /** A developer reaches only their own applications (another's is 404); the admin reaches every one. */
  const applicationOf = async (request: { developer?: Developer; params: { id: string } }) => {
    if (request.developer) return applications.getOwn(request.developer, request.params.id);
    const application = await store.applications.get(request.params.id);
    if (!application) throw notFound('application', request.params.id);
    return application;
  };
  return async (app: FastifyInstance) => {
    app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof Create> }>(
      path,
      { onRequest: auth.developerOnly, schema: { tags, params: IdParams, body: Create, response: { 201: Registration, ...errorResponses } } },
      async (request, reply) => reply.code(201).send(await registrations.request(await applicationOf(request), request.body.service)),
    );
    app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof PageQuery> }>(
      path,
      {
        onRequest: auth.adminOrDeveloper,
        schema: { tags, params: IdParams, querystring: PageQuery, response: { 200: ListOf(Registration), ...errorResponses } },
      },
      async (request) => {
        const application = await applicationOf(request);
        const page = pageRequest(request.query);
        return listBody(page, await registrations.list(application.id, page), (r) => r);
      },
    );
    app.patch<{ Params: Static<typeof RegistrationParams>; Body: Static<typeof Decision> }>(
      `${path}/:rid`,
      {
        onRequest: auth.adminOnly,
        schema: { tags, params: RegistrationParams, body: Decision, response: { 200: Registration, ...errorResponses } },
      },
      async (request) => {
        const application = await applicationOf(request);
        return registrations.decide(application.id, request.params.rid, request.body.status);
      },
    );
  };
}
