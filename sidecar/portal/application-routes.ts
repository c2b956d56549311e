import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import { type Static, Type } from '@sinclair/typebox';
import type { PortalApplicationService } from '../domain/portal-applications';
import { IdempotencyHeaders } from '../domain/shapes/applications';
import { ListOf, PageQuery } from '../domain/shapes/common';
import {
  ApplicationListQuery,
  ClientCredentials,
  CreateApplicationPayload,
  CreatedApplication,
  CredentialList,
  PortalApplication,
  UpdateApplicationPayload,
  UpdateCredentialPayload,
} from '../domain/shapes/portal-applications';
import { sessionActorOf, sessionDeveloper, sessionOperation } from './auth';

export const ApplicationParams = Type.Object({ applicationId: Type.String({ format: 'uuid' }) });
type ApplicationParams = Static<typeof ApplicationParams>;
const CredentialParams = Type.Composite([ApplicationParams, Type.Object({ credentialId: Type.String({ format: 'uuid' }) })]);
type CredentialParams = Static<typeof CredentialParams>;
const ProductVersionParams = Type.Composite([ApplicationParams, Type.Object({ productVersionId: Type.String({ format: 'uuid' }) })]);
type ProductVersionParams = Static<typeof ProductVersionParams>;

/** Says that a creation's answer is the kept answer of an earlier request with this Idempotency-Key (no secret in it). */
export const REPLAYED_HEADER = 'idempotent-replayed';

/**
 * Portal API v2 `/api/v2/applications`: the signed-in developer's own applications (another's is a 404), their
 * client secret (`refresh-token`) and credentials (this portal allows none beyond the client).
 */
export function portalApplicationRoutes(applications: PortalApplicationService, signedIn: onRequestAsyncHookHandler) {
  const withSession = sessionOperation(signedIn);
  const tags = ['applications'];
  const path = '/api/v2/applications/:applicationId';

  return async (app: FastifyInstance) => {
    app.get<{ Querystring: ApplicationListQuery }>(
      '/api/v2/applications',
      withSession({ summary: 'List my applications', tags, querystring: ApplicationListQuery, response: { 200: ListOf(PortalApplication) } }),
      async (request) => applications.list(sessionDeveloper(request), request.query),
    );
    app.post<{ Body: CreateApplicationPayload; Headers: Static<typeof IdempotencyHeaders> }>(
      '/api/v2/applications',
      withSession({
        summary: 'Create an application',
        description: `credentials (a registered client's ID and secret) are in this response only; a self-managed strategy takes reference_id (the client ID) and client_secret, checked by one client_credentials request at the issuer and never stored. An Idempotency-Key replay answers the same application without credentials, with ${REPLAYED_HEADER}: true`,
        tags,
        body: CreateApplicationPayload,
        headers: IdempotencyHeaders,
        response: { 201: CreatedApplication },
        errors: [409, 422, 429, 502, 503],
      }),
      async (request, reply) => {
        const { application, replayed } = await applications.create(sessionDeveloper(request), request.body, sessionActorOf(request), request.headers['idempotency-key']);
        if (replayed) reply.header(REPLAYED_HEADER, 'true');
        return reply.code(201).send(application);
      },
    );
    app.get<{ Params: ApplicationParams }>(
      path,
      withSession({ summary: 'Get an application', tags, params: ApplicationParams, response: { 200: PortalApplication }, errors: [404] }),
      async (request) => applications.get(sessionDeveloper(request), request.params.applicationId),
    );
    app.patch<{ Params: ApplicationParams; Body: UpdateApplicationPayload }>(
      path,
      withSession({
        summary: 'Update an application',
        description: 'name and description; reference_id and redirect_uri belong to the IdP client and are taken only unchanged',
        tags,
        params: ApplicationParams,
        body: UpdateApplicationPayload,
        response: { 200: PortalApplication },
        errors: [404, 409],
      }),
      async (request) => applications.update(sessionDeveloper(request), request.params.applicationId, request.body, sessionActorOf(request)),
    );
    app.delete<{ Params: ApplicationParams }>(
      path,
      withSession({
        summary: 'Delete an application, its registrations and its IdP client',
        description: 'when the IdP cannot delete the client now, the gateway refuses it at once and its deletion is retried in the background',
        tags,
        params: ApplicationParams,
        response: { 204: Type.Null() },
        errors: [404],
      }),
      async (request, reply) => reply.code(204).send(await applications.delete(sessionDeveloper(request), request.params.applicationId, sessionActorOf(request))),
    );
    app.post<{ Params: ApplicationParams }>(
      `${path}/refresh-token`,
      withSession({
        summary: 'Refresh the client secret',
        description: 'the new secret is in this response only; the old one stops working at once',
        tags: ['credentials'],
        params: ApplicationParams,
        response: { 201: ClientCredentials },
        errors: [404, 409, 502, 503],
      }),
      async (request, reply) => reply.code(201).send(await applications.refreshToken(sessionDeveloper(request), request.params.applicationId, sessionActorOf(request))),
    );
    app.get<{ Params: ProductVersionParams }>(
      `${path}/product-versions/:productVersionId/granted-scopes`,
      withSession({
        summary: 'Get the granted scopes',
        description: "always 422 for one's own application: no auth strategy of this portal grants scopes per application",
        tags,
        params: ProductVersionParams,
        response: {},
        errors: [404, 422],
      }),
      async (request) => applications.grantedScopes(sessionDeveloper(request), request.params.applicationId),
    );

    const credentialTags = ['credentials'];
    app.get<{ Params: ApplicationParams; Querystring: PageQuery }>(
      `${path}/credentials`,
      withSession({
        summary: 'List credentials',
        description: "always empty: this portal allows no credentials beyond the application's client",
        tags: credentialTags,
        errors: [404],
        params: ApplicationParams,
        querystring: PageQuery,
        response: { 200: CredentialList },
      }),
      async (request) => applications.listCredentials(sessionDeveloper(request), request.params.applicationId, request.query),
    );
    app.post<{ Params: ApplicationParams }>(
      `${path}/credentials`,
      withSession({
        summary: 'Create a credential',
        description: "always 403 (a quota of none): this portal allows no credentials beyond the application's client",
        tags: credentialTags,
        errors: [403, 404],
        params: ApplicationParams,
        response: {},
      }),
      async (request) => applications.createCredential(sessionDeveloper(request), request.params.applicationId),
    );
    app.put<{ Params: CredentialParams }>(
      `${path}/credentials/:credentialId`,
      withSession({
        summary: 'Update a credential',
        description: 'always 404: there are no credentials beyond the client',
        tags: credentialTags,
        errors: [404],
        params: CredentialParams,
        body: UpdateCredentialPayload,
        response: {},
      }),
      async (request) => applications.credential(sessionDeveloper(request), request.params.applicationId, request.params.credentialId),
    );
    app.delete<{ Params: CredentialParams }>(
      `${path}/credentials/:credentialId`,
      withSession({
        summary: 'Delete a credential',
        description: 'always 404: there are no credentials beyond the client',
        tags: credentialTags,
        errors: [404],
        params: CredentialParams,
        response: {},
      }),
      async (request) => applications.credential(sessionDeveloper(request), request.params.applicationId, request.params.credentialId),
    );
  };
}
