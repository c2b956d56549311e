import type { FastifyInstance } from 'fastify';
import { type Static, Type } from '@sinclair/typebox';
import type { DcrProviderService } from '../domain/dcr-providers';
import { ListOf } from '../domain/shapes/common';
import { DcrProvider, DcrProviderListQuery, Verification, dcrProviderShapes } from '../domain/shapes/dcr-providers';
import { type Access, actorOf } from '../http/auth';
import { IdParams, operation } from './schemas';

/** `/v2/dcr-providers`: admin only. */
export function dcrProviderRoutes(providers: DcrProviderService, providerTypes: string[], admin: Access) {
  const { Create, Patch } = dcrProviderShapes(providerTypes);
  const tags = ['dcr-providers'];
  return async (app: FastifyInstance) => {
    app.post<{ Body: Static<typeof Create> }>(
      '/v2/dcr-providers',
      operation(admin, { summary: 'Create a DCR provider', tags, body: Create, response: { 201: DcrProvider }, errors: [409] }),
      async (request, reply) => reply.code(201).send(await providers.create(request.body, actorOf(request))),
    );
    app.get<{ Querystring: DcrProviderListQuery }>(
      '/v2/dcr-providers',
      operation(admin, { summary: 'List DCR providers', tags, querystring: DcrProviderListQuery, response: { 200: ListOf(DcrProvider) } }),
      async (request) => providers.list(request.query),
    );
    app.get<{ Params: Static<typeof IdParams> }>(
      '/v2/dcr-providers/:id',
      operation(admin, { summary: 'Get a DCR provider', tags, params: IdParams, response: { 200: DcrProvider }, errors: [404] }),
      async (request) => providers.get(request.params.id),
    );
    app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof Patch> }>(
      '/v2/dcr-providers/:id',
      operation(admin, {
        summary: 'Update a DCR provider',
        description: 'secrets left out of dcr_config are kept; issuer and URLs change only while no application uses the provider',
        tags,
        params: IdParams,
        body: Patch,
        response: { 200: DcrProvider },
        errors: [404, 409],
      }),
      async (request) => providers.update(request.params.id, request.body, actorOf(request)),
    );
    app.delete<{ Params: Static<typeof IdParams> }>(
      '/v2/dcr-providers/:id',
      operation(admin, { summary: 'Delete a DCR provider', tags, params: IdParams, response: { 204: Type.Null() }, errors: [404, 409] }),
      async (request, reply) => {
        await providers.delete(request.params.id, actorOf(request));
        return reply.code(204).send();
      },
    );
    app.post<{ Params: Static<typeof IdParams> }>(
      '/v2/dcr-providers/:id/verify',
      operation(admin, {
        summary: 'Check a DCR provider against its IdP',
        tags,
        params: IdParams,
        response: { 200: Verification },
        errors: [404],
      }),
      async (request) => providers.verify(request.params.id),
    );
  };
}
