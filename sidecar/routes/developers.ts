import type { FastifyInstance } from 'fastify';
import { type Static, Type } from '@sinclair/typebox';
import type { DeveloperService } from '../domain/developers';
import { ListOf } from '../domain/shapes/common';
import {
  Developer,
  DeveloperDeletionPending,
  DeveloperDeletionQuery,
  DeveloperInput,
  DeveloperListQuery,
  DeveloperWithToken,
} from '../domain/shapes/developers';
import { type Access, actorOf } from '../http/auth';
import { IdParams, operation } from './schemas';

/** `/v2/developers`: admin only. */
export function developerRoutes(developers: DeveloperService, admin: Access) {
  const tags = ['developers'];
  return async (app: FastifyInstance) => {
    app.post<{ Body: DeveloperInput }>(
      '/v2/developers',
      operation(admin, {
        summary: 'Create a developer',
        description: 'the developer token is in this response only',
        tags,
        body: DeveloperInput,
        response: { 201: DeveloperWithToken },
        errors: [409],
      }),
      async (request, reply) => reply.code(201).send(await developers.create(request.body, actorOf(request))),
    );
    app.get<{ Querystring: DeveloperListQuery }>(
      '/v2/developers',
      operation(admin, { summary: 'List developers', tags, querystring: DeveloperListQuery, response: { 200: ListOf(Developer) } }),
      async (request) => developers.list(request.query),
    );
    app.get<{ Params: Static<typeof IdParams> }>(
      '/v2/developers/:id',
      operation(admin, { summary: 'Get a developer', tags, params: IdParams, response: { 200: Developer }, errors: [404] }),
      async (request) => developers.get(request.params.id),
    );
    app.delete<{ Params: Static<typeof IdParams>; Querystring: DeveloperDeletionQuery }>(
      '/v2/developers/:id',
      operation(admin, {
        summary: 'Delete a developer',
        description:
          '409 while they have applications, unless delete_applications=true: then their applications go first (IdP clients ' +
          'deleted), 202 when an IdP could not delete a client yet',
        tags,
        params: IdParams,
        querystring: DeveloperDeletionQuery,
        response: { 202: DeveloperDeletionPending, 204: Type.Null() },
        errors: [404, 409],
      }),
      async (request, reply) => {
        const pending = await developers.delete(request.params.id, request.query.delete_applications === true, actorOf(request));
        return pending ? reply.code(202).send(pending) : reply.code(204).send();
      },
    );
    app.post<{ Params: Static<typeof IdParams> }>(
      '/v2/developers/:id/token',
      operation(admin, {
        summary: 'Issue a new developer token',
        description: 'the previous token stops working at once',
        tags,
        params: IdParams,
        response: { 201: DeveloperWithToken },
        errors: [404],
      }),
      async (request, reply) => reply.code(201).send(await developers.issueToken(request.params.id, actorOf(request))),
    );
  };
}
