import type { FastifyInstance } from 'fastify';
import { type Static, Type } from '@sinclair/typebox';
import type { CatalogService } from '../domain/catalog';
import { Api, ApiInput, ApiListQuery, Publication, PublicationInput } from '../domain/shapes/catalog';
import { ListOf } from '../domain/shapes/common';
import { ImplementationList } from '../domain/shapes/drift';
import { type Access, actorOf } from '../http/auth';
import { IdParams, operation } from './schemas';

const PublicationParams = Type.Object({ id: Type.String({ format: 'uuid' }), portalId: Type.String({ format: 'uuid' }) });
type PublicationParams = Static<typeof PublicationParams>;

/** `/v3/apis`, in Konnect's API Builder v3 shapes: the catalog's APIs and their publication to the portal. */
export function catalogRoutes(catalog: CatalogService, admin: Access) {
  const tags = ['apis'];
  const publication = '/v3/apis/:id/publications/:portalId';
  return async (app: FastifyInstance) => {
    app.post<{ Body: ApiInput }>(
      '/v3/apis',
      operation(admin, {
        summary: 'Create an API (a gateway service of kong.yml, by name)',
        description: 'the name must be one of GET /v2/services, else 404 naming it',
        tags,
        body: ApiInput,
        response: { 201: Api },
        errors: [404, 409],
      }),
      async (request, reply) => reply.code(201).send(await catalog.create(request.body, actorOf(request))),
    );
    app.get<{ Querystring: ApiListQuery }>(
      '/v3/apis',
      operation(admin, { summary: 'List the APIs', tags, querystring: ApiListQuery, response: { 200: ListOf(Api) } }),
      async (request) => catalog.list(request.query),
    );
    app.get<{ Params: Static<typeof IdParams> }>(
      '/v3/apis/:id',
      operation(admin, { summary: 'Get an API', tags, params: IdParams, response: { 200: Api }, errors: [404] }),
      async (request) => catalog.present(request.params.id),
    );
    app.get<{ Params: Static<typeof IdParams> }>(
      '/v3/apis/:id/implementations',
      operation(admin, {
        summary: "An API's gateway service, its okta-auth config, and how it differs from the API's auth strategy",
        description: 'service.auth_strategy_sync_error lists each difference (issuer, scopes, credential_claim), as Konnect reports it',
        tags,
        params: IdParams,
        response: { 200: ImplementationList },
        errors: [404],
      }),
      async (request) => catalog.implementations(request.params.id),
    );
    app.put<{ Params: PublicationParams; Body: PublicationInput }>(
      publication,
      {
        // Kong's guides publish with a PUT that has no body at all: that is every field's default.
        // Only a missing body: a JSON `null` is a body of the wrong type.
        preValidation: async (request) => {
          if (request.body === undefined) request.body = {};
        },
        ...operation(admin, {
          summary: 'Publish an API to the portal, or replace its publication',
          description: '201 when it was not published, 200 when its publication is replaced; a field left out takes its default',
          tags,
          params: PublicationParams,
          body: PublicationInput,
          response: { 200: Publication, 201: Publication },
          errors: [404],
        }),
      },
      async (request, reply) => {
        const { created, publication: published } = await catalog.publish(request.params.id, request.params.portalId, request.body, actorOf(request));
        return reply.code(created ? 201 : 200).send(published);
      },
    );
    app.get<{ Params: PublicationParams }>(
      publication,
      operation(admin, { summary: "Get an API's publication", tags, params: PublicationParams, response: { 200: Publication }, errors: [404] }),
      async (request) => catalog.getPublication(request.params.id, request.params.portalId),
    );
    app.delete<{ Params: PublicationParams }>(
      publication,
      operation(admin, {
        summary: 'Unpublish an API (its registrations stay)',
        tags,
        params: PublicationParams,
        response: { 204: Type.Null() },
        errors: [404],
      }),
      async (request, reply) => {
        await catalog.unpublish(request.params.id, request.params.portalId, actorOf(request));
        return reply.code(204).send();
      },
    );
  };
}
