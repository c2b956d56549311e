import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import { type Static, Type } from '@sinclair/typebox';
import type { ApplicationDeletion } from '../domain/application-deletion';
import { type ApplicationService, presentApplication } from '../domain/applications';
import { createOnce } from '../domain/idempotency';
import type { Store } from '../store';
import type { Developer } from '../store/records';
import { IdParams, ListOf, Name, PageQuery, errorResponses, listBody, pageRequest } from './schemas';

const Create = Type.Object({
  name: Name({ maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  auth_strategy_id: Type.String({ format: 'uuid' }),
  redirect_uris: Type.Optional(Type.Array(Type.String({ format: 'uri' }), { maxItems: 20 })),
  client_id: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'self-managed strategies only' })),
});

const Patch = Type.Object({
  name: Type.Optional(Name({ maxLength: 200 })),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
});

const Application = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  auth_strategy_id: Type.String(),
  client_id: Type.String(),
  client_secret: Type.Optional(Type.String({ description: 'only right after creation or a refresh' })),
  redirect_uris: Type.Array(Type.String()),
  status: Type.String({ description: 'active, or pending_deletion while the IdP client is not yet deleted' }),
  created_at: Type.String(),
  updated_at: Type.String(),
});

const IdempotencyHeaders = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) });

/** `/v2/applications`: developer calls, each sees only the developer's own applications. */
export function applicationRoutes(
  store: Store,
  applications: ApplicationService,
  deletion: ApplicationDeletion,
  developerOnly: onRequestAsyncHookHandler,
) {
  const tags = ['applications'];
  const developerOf = (request: { developer?: Developer }) => request.developer as Developer;
  return async (app: FastifyInstance) => {
    app.addHook('onRequest', developerOnly);
    app.post<{ Body: Static<typeof Create>; Headers: Static<typeof IdempotencyHeaders> }>(
      '/v2/applications',
      { schema: { tags, body: Create, headers: IdempotencyHeaders, response: { 201: Application, ...errorResponses } } },
      async (request, reply) => {
        const developer = developerOf(request);
        const key = request.headers['idempotency-key'];
        const create = () => applications.create(developer, request.body);
        return reply.code(201).send(key ? await createOnce(store, developer.id, key, request.body, create) : await create());
      },
    );
    app.get<{ Querystring: Static<typeof PageQuery> }>(
      '/v2/applications',
      { schema: { tags, querystring: PageQuery, response: { 200: ListOf(Application), ...errorResponses } } },
      async (request) => {
        const page = pageRequest(request.query);
        return listBody(page, await applications.list(developerOf(request), page), (a) => presentApplication(a));
      },
    );
    app.get<{ Params: Static<typeof IdParams> }>(
      '/v2/applications/:id',
      { schema: { tags, params: IdParams, response: { 200: Application, ...errorResponses } } },
      async (request) => presentApplication(await applications.getOwn(developerOf(request), request.params.id)),
    );
    app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof Patch> }>(
      '/v2/applications/:id',
      { schema: { tags, params: IdParams, body: Patch, response: { 200: Application, ...errorResponses } } },
      async (request) => presentApplication(await applications.update(developerOf(request), request.params.id, request.body)),
    );
    app.delete<{ Params: Static<typeof IdParams> }>(
      '/v2/applications/:id',
      {
        schema: {
          tags,
          description: '204 when the IdP client is deleted; 202 with the application pending_deletion when the IdP could not, retried in the background',
          params: IdParams,
          response: { 202: Application, 204: Type.Null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        const application = await applications.getOwn(developerOf(request), request.params.id);
        const pending = await deletion.delete(application);
        return pending ? reply.code(202).send(presentApplication(pending)) : reply.code(204).send();
      },
    );
    app.post<{ Params: Static<typeof IdParams> }>(
      '/v2/applications/:id/refresh-secret',
      { schema: { tags, params: IdParams, response: { 200: Application, ...errorResponses } } },
      async (request) => applications.refreshSecret(developerOf(request), request.params.id),
    );
  };
}
