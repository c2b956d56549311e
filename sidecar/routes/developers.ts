import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import { type Static, Type } from '@sinclair/typebox';
import type { DeveloperService } from '../domain/developers';
import { FilteredPageQuery, IdParams, ListOf, Name, errorResponses, listBody, pageRequest } from './schemas';

const Create = Type.Object({
  email: Type.String({ format: 'email', maxLength: 320 }),
  full_name: Name({ maxLength: 255 }),
});

const ListQuery = FilteredPageQuery({
  'filter[email]': Type.Optional(Type.String({ minLength: 1, maxLength: 320, description: 'only the developer with this email (any case)' })),
});

const Developer = Type.Object({
  id: Type.String(),
  email: Type.String(),
  full_name: Type.String(),
  created_at: Type.String(),
  updated_at: Type.String(),
});

const DeveloperWithToken = Type.Composite([
  Developer,
  Type.Object({ token: Type.String({ description: 'the developer token, shown this once' }) }),
]);

/** `/v2/developers`: admin only. */
export function developerRoutes(developers: DeveloperService, adminOnly: onRequestAsyncHookHandler) {
  const tags = ['developers'];
  return async (app: FastifyInstance) => {
    app.addHook('onRequest', adminOnly);
    app.post<{ Body: Static<typeof Create> }>(
      '/v2/developers',
      { schema: { tags, body: Create, response: { 201: DeveloperWithToken, ...errorResponses } } },
      async (request, reply) => reply.code(201).send(await developers.create(request.body)),
    );
    app.get<{ Querystring: Static<typeof ListQuery> }>(
      '/v2/developers',
      { schema: { tags, querystring: ListQuery, response: { 200: ListOf(Developer), ...errorResponses } } },
      async (request) => {
        const page = pageRequest(request.query);
        return listBody(page, await developers.list(page, { email: request.query['filter[email]'] }), (d) => d);
      },
    );
    app.get<{ Params: Static<typeof IdParams> }>(
      '/v2/developers/:id',
      { schema: { tags, params: IdParams, response: { 200: Developer, ...errorResponses } } },
      async (request) => developers.get(request.params.id),
    );
    app.delete<{ Params: Static<typeof IdParams> }>(
      '/v2/developers/:id',
      { schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errorResponses } } },
      async (request, reply) => {
        await developers.delete(request.params.id);
        return reply.code(204).send();
      },
    );
    app.post<{ Params: Static<typeof IdParams> }>(
      '/v2/developers/:id/token',
      { schema: { tags, params: IdParams, response: { 201: DeveloperWithToken, ...errorResponses } } },
      async (request, reply) => reply.code(201).send(await developers.issueToken(request.params.id)),
    );
  };
}
