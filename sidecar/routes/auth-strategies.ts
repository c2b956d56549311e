import type { FastifyInstance } from 'fastify';
import { type Static, Type } from '@sinclair/typebox';
import type { AuthStrategyService } from '../domain/auth-strategies';
import { AuthStrategy, AuthStrategyInput, AuthStrategyListQuery, AuthStrategyPatch } from '../domain/shapes/auth-strategies';
import { ListOf } from '../domain/shapes/common';
import { type Access, actorOf } from '../http/auth';
import { IdParams, operation } from './schemas';

/** `/v2/application-auth-strategies`: admin only. */
export function authStrategyRoutes(strategies: AuthStrategyService, admin: Access) {
  const tags = ['application-auth-strategies'];
  const base = '/v2/application-auth-strategies';
  return async (app: FastifyInstance) => {
    app.post<{ Body: AuthStrategyInput }>(
      base,
      operation(admin, { summary: 'Create an auth strategy', tags, body: AuthStrategyInput, response: { 201: AuthStrategy }, errors: [409] }),
      async (request, reply) => reply.code(201).send(await strategies.create(request.body, actorOf(request))),
    );
    app.get<{ Querystring: AuthStrategyListQuery }>(
      base,
      operation(admin, { summary: 'List auth strategies', tags, querystring: AuthStrategyListQuery, response: { 200: ListOf(AuthStrategy) } }),
      async (request) => strategies.list(request.query),
    );
    app.get<{ Params: Static<typeof IdParams> }>(
      `${base}/:id`,
      operation(admin, { summary: 'Get an auth strategy', tags, params: IdParams, response: { 200: AuthStrategy }, errors: [404] }),
      async (request) => strategies.get(request.params.id),
    );
    app.patch<{ Params: Static<typeof IdParams>; Body: AuthStrategyPatch }>(
      `${base}/:id`,
      operation(admin, {
        summary: 'Update an auth strategy',
        description: 'dcr_provider_id never changes',
        tags,
        params: IdParams,
        body: AuthStrategyPatch,
        response: { 200: AuthStrategy },
        errors: [404, 409],
      }),
      async (request) => strategies.update(request.params.id, request.body, actorOf(request)),
    );
    app.delete<{ Params: Static<typeof IdParams> }>(
      `${base}/:id`,
      operation(admin, { summary: 'Delete an auth strategy', tags, params: IdParams, response: { 204: Type.Null() }, errors: [404, 409] }),
      async (request, reply) => {
        await strategies.delete(request.params.id, actorOf(request));
        return reply.code(204).send();
      },
    );
  };
}
