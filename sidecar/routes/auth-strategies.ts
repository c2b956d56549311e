import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import { type Static, Type } from '@sinclair/typebox';
import type { AuthStrategyService } from '../domain/auth-strategies';
import { FilteredPageQuery, IdParams, ListOf, Name, errorResponses, listBody, pageRequest } from './schemas';

const OpenIdConnect = Type.Object({
  issuer: Type.String({ minLength: 1 }),
  credential_claim: Type.Optional(Type.Array(Type.String())),
  scopes: Type.Optional(Type.Array(Type.String())),
  auth_methods: Type.Optional(Type.Array(Type.String())),
});

const Create = Type.Object({
  name: Name({ maxLength: 255 }),
  display_name: Name({ maxLength: 255 }),
  strategy_type: Type.Literal('openid_connect'),
  configs: Type.Object({ 'openid-connect': OpenIdConnect }),
  dcr_provider_id: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
  auto_approve: Type.Optional(Type.Boolean()),
});

const Strategy = Type.Object({
  id: Type.String(),
  name: Type.String(),
  display_name: Type.String(),
  strategy_type: Type.String(),
  configs: Type.Object({ 'openid-connect': OpenIdConnect }),
  dcr_provider_id: Type.Union([Type.String(), Type.Null()]),
  auto_approve: Type.Boolean(),
  created_at: Type.String(),
  updated_at: Type.String(),
});

const Patch = Type.Partial(Create);

const ListQuery = FilteredPageQuery({
  'filter[name]': Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'only the strategy of exactly this name' })),
});

/** `/v2/application-auth-strategies`: admin only. */
export function authStrategyRoutes(strategies: AuthStrategyService, adminOnly: onRequestAsyncHookHandler) {
  const tags = ['application-auth-strategies'];
  const base = '/v2/application-auth-strategies';
  return async (app: FastifyInstance) => {
    app.addHook('onRequest', adminOnly);
    app.post<{ Body: Static<typeof Create> }>(
      base,
      { schema: { tags, body: Create, response: { 201: Strategy, ...errorResponses } } },
      async (request, reply) => reply.code(201).send(await strategies.create(request.body)),
    );
    app.get<{ Querystring: Static<typeof ListQuery> }>(
      base,
      { schema: { tags, querystring: ListQuery, response: { 200: ListOf(Strategy), ...errorResponses } } },
      async (request) => {
        const page = pageRequest(request.query);
        return listBody(page, await strategies.list(page, { name: request.query['filter[name]'] }), (s) => s);
      },
    );
    app.get<{ Params: Static<typeof IdParams> }>(
      `${base}/:id`,
      { schema: { tags, params: IdParams, response: { 200: Strategy, ...errorResponses } } },
      async (request) => strategies.get(request.params.id),
    );
    app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof Patch> }>(
      `${base}/:id`,
      { schema: { tags, params: IdParams, body: Patch, response: { 200: Strategy, ...errorResponses } } },
      async (request) => strategies.update(request.params.id, request.body),
    );
    app.delete<{ Params: Static<typeof IdParams> }>(
      `${base}/:id`,
      { schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errorResponses } } },
      async (request, reply) => {
        await strategies.delete(request.params.id);
        return reply.code(204).send();
      },
    );
  };
}
