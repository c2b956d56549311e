import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AccountService } from '../domain/accounts';
import {
  ApiTokenInfo,
  AuthenticateRequest,
  ChangePasswordRequest,
  NewApiToken,
  PortalDeveloper,
  RegisterPayload,
  ResetPasswordPayload,
  ResetPasswordRequest,
  VerifyEmailRequest,
  VerifyEmailResponse,
} from '../domain/shapes/portal';
import { operation } from '../routes/schemas';
import { activeSession, requirePortalSession, sessionActorOf, sessionOperation } from './auth';
import type { SessionCookie } from './session-cookie';

const tags = ['developer'];
const NO_CONTENT = { 204: Type.Null() };

/** Portal API v2 `/api/v2/developer*`: sign-up, sign-in to a cookie session, passwords, and our personal API token. */
export function developerApiRoutes(accounts: AccountService, cookie: SessionCookie) {
  const withSession = sessionOperation(requirePortalSession(accounts.sessions, cookie));

  return async (app: FastifyInstance) => {
    app.post<{ Body: RegisterPayload }>(
      '/api/v2/developer',
      operation(undefined, {
        summary: 'Register',
        description: 'the same answer whether the email is known or not: only the mail differs',
        tags,
        body: RegisterPayload,
        response: { 201: Type.Null() },
        errors: [429],
      }),
      async (request, reply) => reply.code(201).send(await accounts.signUps.register(request.body, request.ip)),
    );
    app.post<{ Body: AuthenticateRequest }>(
      '/api/v2/developer/authenticate',
      operation(undefined, { summary: 'Authenticate', tags, body: AuthenticateRequest, response: NO_CONTENT, errors: [401, 429] }),
      async (request, reply) => {
        const { username, password } = request.body;
        cookie.set(reply, (await accounts.signIns.authenticate(username, password, request.ip, 'portal')).sessionId);
        return reply.code(204).send();
      },
    );
    app.post('/api/v2/developer/logout', operation(undefined, { summary: 'Logout', tags, response: NO_CONTENT }), async (request, reply) => {
      await accounts.sessions.end(cookie.readAll(request), 'portal');
      cookie.clear(reply);
      return reply.code(204).send();
    });
    app.get('/api/v2/developer/me', withSession({ summary: 'Retrieve my account', tags, response: { 200: PortalDeveloper } }), async (request) =>
      activeSession(request).developer,
    );
    app.post(
      '/api/v2/developer/refresh',
      withSession({ summary: 'Refresh', description: 'the session continues under a new id', tags, response: NO_CONTENT }),
      async (request, reply) => {
        cookie.set(reply, await accounts.sessions.renew(activeSession(request)));
        return reply.code(204).send();
      },
    );
    app.post<{ Body: VerifyEmailRequest }>(
      '/api/v2/developer/verify-email',
      operation(undefined, { summary: 'Verify email', tags, body: VerifyEmailRequest, response: { 202: VerifyEmailResponse }, errors: [404] }),
      async (request, reply) => reply.code(202).send(await accounts.signUps.verifyEmail(request.body.token, request.ip)),
    );
    app.post<{ Body: ResetPasswordPayload }>(
      '/api/v2/developer/forgot-password',
      operation(undefined, { summary: 'Forgot password', tags, body: ResetPasswordPayload, response: { 200: Type.Null() }, errors: [429] }),
      async (request, reply) => reply.code(200).send(await accounts.passwords.forgot(request.body.email, request.ip)),
    );
    app.post<{ Body: ResetPasswordRequest }>(
      '/api/v2/developer/reset-password',
      operation(undefined, { summary: 'Reset password', tags, body: ResetPasswordRequest, response: NO_CONTENT, errors: [404] }),
      async (request, reply) => reply.code(204).send(await accounts.passwords.reset(request.body.token, request.body.password, request.ip)),
    );
    app.post<{ Body: ChangePasswordRequest }>(
      '/api/v2/developer/me/password',
      withSession({
        summary: 'Change my password',
        description: 'every session of the developer ends; this browser gets a new one',
        tags,
        body: ChangePasswordRequest,
        response: NO_CONTENT,
        errors: [429],
      }),
      async (request, reply) => {
        const { current_password, new_password } = request.body;
        const { developer } = activeSession(request);
        cookie.set(reply, await accounts.passwords.change(developer, current_password, new_password, request.ip, 'portal'));
        return reply.code(204).send();
      },
    );
    app.get(
      '/api/v2/developer/me/token',
      withSession({ summary: 'My personal API token, without its value', tags, response: { 200: ApiTokenInfo }, errors: [404] }),
      async (request) => accounts.apiTokens.get(activeSession(request).developer.id),
    );
    app.post(
      '/api/v2/developer/me/token',
      withSession({ summary: 'Create my personal API token', description: 'shown this once; a previous one stops working', tags, response: { 201: NewApiToken } }),
      async (request, reply) => reply.code(201).send(await accounts.apiTokens.create(activeSession(request).developer.id, sessionActorOf(request))),
    );
    app.delete(
      '/api/v2/developer/me/token',
      withSession({ summary: 'Revoke my personal API token', tags, response: NO_CONTENT }),
      async (request, reply) => reply.code(204).send(await accounts.apiTokens.revoke(activeSession(request).developer.id, sessionActorOf(request))),
    );
  };
}
