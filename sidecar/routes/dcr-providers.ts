import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import { type Static, Type } from '@sinclair/typebox';
import { type DcrProviderService, presentProvider } from '../domain/dcr-providers';
import { FilteredPageQuery, IdParams, Labels, ListOf, Name, errorResponses, listBody, pageRequest } from './schemas';

export function dcrProviderSchemas(providerTypes: string[]) {
  const ProviderType = Type.Unsafe<string>({ type: 'string', enum: providerTypes });
  const Create = Type.Object({
    name: Name({ maxLength: 255 }),
    display_name: Type.Optional(Type.String({ maxLength: 255 })),
    provider_type: ProviderType,
    issuer: Type.String({ minLength: 1 }),
    dcr_config: Type.Object({}, { additionalProperties: true, description: 'per provider_type; secrets are write-only' }),
    labels: Type.Optional(Labels),
  });
  const Provider = Type.Object({
    id: Type.String(),
    name: Type.String(),
    display_name: Type.Union([Type.String(), Type.Null()]),
    provider_type: Type.String(),
    issuer: Type.String(),
    dcr_config: Type.Object({}, { additionalProperties: true }),
    labels: Labels,
    created_at: Type.String(),
    updated_at: Type.String(),
  });
  return { Create, Patch: Type.Partial(Create), Provider };
}

const ListQuery = FilteredPageQuery({
  'filter[name]': Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'only the provider of exactly this name' })),
});

const Verification = Type.Object({ status: Type.String(), errors: Type.Array(Type.String()) });

/** `/v2/dcr-providers`: admin only. */
export function dcrProviderRoutes(providers: DcrProviderService, providerTypes: string[], adminOnly: onRequestAsyncHookHandler) {
  const { Create, Patch, Provider } = dcrProviderSchemas(providerTypes);
  const tags = ['dcr-providers'];
  return async (app: FastifyInstance) => {
    app.addHook('onRequest', adminOnly);
    app.post<{ Body: Static<typeof Create> }>(
      '/v2/dcr-providers',
      { schema: { tags, body: Create, response: { 201: Provider, ...errorResponses } } },
      async (request, reply) => reply.code(201).send(presentProvider(await providers.create(request.body))),
    );
    app.get<{ Querystring: Static<typeof ListQuery> }>(
      '/v2/dcr-providers',
      { schema: { tags, querystring: ListQuery, response: { 200: ListOf(Provider), ...errorResponses } } },
      async (request) => {
        const page = pageRequest(request.query);
        return listBody(page, await providers.list(page, { name: request.query['filter[name]'] }), presentProvider);
      },
    );
    app.get<{ Params: Static<typeof IdParams> }>(
      '/v2/dcr-providers/:id',
      { schema: { tags, params: IdParams, response: { 200: Provider, ...errorResponses } } },
      async (request) => presentProvider(await providers.get(request.params.id)),
    );
    app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof Patch> }>(
      '/v2/dcr-providers/:id',
      { schema: { tags, params: IdParams, body: Patch, response: { 200: Provider, ...errorResponses } } },
      async (request) => presentProvider(await providers.update(request.params.id, request.body)),
    );
    app.delete<{ Params: Static<typeof IdParams> }>(
      '/v2/dcr-providers/:id',
      { schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errorResponses } } },
      async (request, reply) => {
        await providers.delete(request.params.id);
        return reply.code(204).send();
      },
    );
    app.post<{ Params: Static<typeof IdParams> }>(
      '/v2/dcr-providers/:id/verify',
      { schema: { tags, params: IdParams, response: { 200: Verification, ...errorResponses } } },
      async (request) => providers.verify(request.params.id),
    );
  };
}
