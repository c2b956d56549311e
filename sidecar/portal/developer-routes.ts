import type { FastifyInstance, FastifyReply } from 'fastify';
import { type Static, Type } from '@sinclair/typebox';
import type { AccountService } from '../domain/accounts';
import { errorResponses } from '../routes/schemas';
import { activeSession, requirePortalSession } from './auth';
import {
  ApiTokenInfo,
  AuthenticateRequest,
  ChangePasswordRequest,
  Developer,
  NewApiToken,
  RegisterPayload,
  ResetPasswordPayload,
  ResetPasswordRequest,
  VerifyEmailRequest,
  VerifyEmailResponse,
} from './schemas';
import type { SessionCookie } from './session-cookie';

const tags = ['developer'];
const NoContent = { 204: Type.Null(), ...errorResponses };

/** Portal API v2 `/api/v2/developer*`: sign-up, sign-in by cookie session, passwords, and our personal API token. */
export function developerApiRoutes(accounts: AccountService, cookie: SessionCookie) {
  const signedIn = requirePortalSession(accounts.sessions, cookie);
  const startSession = async (reply: FastifyReply, developerId: string) => {
    const { id } = await accounts.sessions.start(developerId, 'portal');
    cookie.set(reply, id);
  };

  return async (app: FastifyInstance) => {
    app.post<{ Body: Static<typeof RegisterPayload> }>(
      '/api/v2/developer',
      { schema: { tags, body: RegisterPayload, response: { 201: Type.Null(), ...errorResponses } } },
      async (request, reply) => {
        await accounts.signUps.register(request.body, request.ip);
        return reply.code(201).send();
      },
    );
    app.post<{ Body: Static<typeof AuthenticateRequest> }>(
      '/api/v2/developer/authenticate',
      { schema: { tags, body: AuthenticateRequest, response: NoContent } },
      async (request, reply) => {
        const developer = await accounts.signIns.authenticate(request.body.username, request.body.password, request.ip);
        await startSession(reply, developer.id);
        return reply.code(204).send();
      },
    );
    app.post('/api/v2/developer/logout', { schema: { tags, response: NoContent } }, async (request, reply) => {
      await accounts.sessions.end(cookie.read(request), 'portal');
      cookie.clear(reply);
      return reply.code(204).send();
    });
    app.get('/api/v2/developer/me', { onRequest: signedIn, schema: { tags, response: { 200: Developer, ...errorResponses } } }, async (request) =>
      activeSession(request).developer,
    );
    // Sessions live server-side, so a refresh renews the session under a new id (the old one ends).
    app.post('/api/v2/developer/refresh', { onRequest: signedIn, schema: { tags, response: NoContent } }, async (request, reply) => {
      const { developer } = activeSession(request);
      await accounts.sessions.end(cookie.read(request), 'portal');
      await startSession(reply, developer.id);
      return reply.code(204).send();
    });
    app.post<{ Body: Static<typeof VerifyEmailRequest> }>(
      '/api/v2/developer/verify-email',
      { schema: { tags, body: VerifyEmailRequest, response: { 202: VerifyEmailResponse, ...errorResponses } } },
      async (request, reply) => reply.code(202).send(await accounts.signUps.verifyEmail(request.body.token)),
    );
    app.post<{ Body: Static<typeof ResetPasswordPayload> }>(
      '/api/v2/developer/forgot-password',
      { schema: { tags, body: ResetPasswordPayload, response: { 200: Type.Null(), ...errorResponses } } },
      async (request, reply) => {
        await accounts.passwords.forgot(request.body.email, request.ip);
        return reply.code(200).send();
      },
    );
    app.post<{ Body: Static<typeof ResetPasswordRequest> }>(
      '/api/v2/developer/reset-password',
      { schema: { tags, body: ResetPasswordRequest, response: NoContent } },
      async (request, reply) => {
        await accounts.passwords.reset(request.body.token, request.body.password);
        return reply.code(204).send();
      },
    );
    app.post<{ Body: Static<typeof ChangePasswordRequest> }>(
      '/api/v2/developer/me/password',
      { onRequest: signedIn, schema: { tags, body: ChangePasswordRequest, response: NoContent } },
      async (request, reply) => {
        const { developer } = activeSession(request);
        await accounts.passwords.change(developer, request.body.current_password, request.body.new_password, request.ip);
        // Every session ended with the change; this browser proved the password just now, so it gets a new one.
        await startSession(reply, developer.id);
        return reply.code(204).send();
      },
    );
    app.get('/api/v2/developer/me/token', { onRequest: signedIn, schema: { tags, response: { 200: ApiTokenInfo, ...errorResponses } } }, async (request) =>
      accounts.apiTokens.get(activeSession(request).developer.id),
    );
    app.post('/api/v2/developer/me/token', { onRequest: signedIn, schema: { tags, response: { 201: NewApiToken, ...errorResponses } } }, async (request, reply) =>
      reply.code(201).send(await accounts.apiTokens.create(activeSession(request).developer.id)),
    );
    app.delete('/api/v2/developer/me/token', { onRequest: signedIn, schema: { tags, response: NoContent } }, async (request, reply) => {
      await accounts.apiTokens.revoke(activeSession(request).developer.id);
      return reply.code(204).send();
    });
  };
}
