import type { FastifyInstance } from 'fastify';
import type { AccountService } from '../../domain/accounts';
import {
  AuthenticateRequest,
  ChangePasswordRequest,
  RegisterPayload,
  ResetPasswordPayload,
  ResetPasswordRequest,
  VerifyEmailRequest,
} from '../../domain/shapes/portal';
import { confirmed } from '../../pages/kit';
import { activeSession, sessionActorOf } from '../auth';
import type { SessionCookie } from '../session-cookie';
import { noStore, signedInPage } from './signed-in';

const T = '/portal/pages/templates';
const form = (template: string) => ({ config: { form: { template: `${T}/${template}` } } });
/** A form sent with a mailed link's token: an unknown, spent or expired link is told on the form. */
const linkForm = (template: string) => ({ config: { form: { template: `${T}/${template}`, alsoFor: [404, 410] } } });
const tokenQuery = { querystring: { type: 'object', properties: { token: { type: 'string', maxLength: 100 } } } } as const;

/** Sign up, verify, sign in and out, passwords and the personal API token, as pages. */
export function accountPages(accounts: AccountService, cookie: SessionCookie) {
  return async (app: FastifyInstance) => {
    app.get('/', async (_request, reply) => reply.page(`${T}/home`));

    app.get('/register', async (_request, reply) => reply.page(`${T}/sign-up`, {}, { form: true }));
    app.post<{ Body: RegisterPayload }>('/register', { schema: { body: RegisterPayload }, ...form('sign-up') }, async (request, reply) => {
      await accounts.signUps.register(request.body, request.ip);
      return reply.page(`${T}/check-email`, { email: request.body.email, verification: accounts.settings.requireEmailVerification });
    });

    app.get<{ Querystring: { token?: string } }>('/verify-email', { schema: tokenQuery }, async (request, reply) =>
      reply.page(`${T}/verify-email`, { values: { token: request.query.token ?? '' } }, { form: true }),
    );
    app.post<{ Body: VerifyEmailRequest }>('/verify-email', { schema: { body: VerifyEmailRequest }, ...linkForm('verify-email') }, async (request, reply) =>
      reply.page(`${T}/email-verified`, { verified: await accounts.signUps.verifyEmail(request.body.token, request.ip), autoApprove: accounts.settings.autoApproveDevelopers }),
    );

    app.get('/login', async (_request, reply) => reply.page(`${T}/sign-in`, {}, { form: true }));
    app.post<{ Body: AuthenticateRequest }>('/login', { schema: { body: AuthenticateRequest }, ...form('sign-in') }, async (request, reply) => {
      const { username, password } = request.body;
      cookie.set(reply, (await accounts.signIns.authenticate(username, password, request.ip, 'portal')).sessionId);
      return reply.redirect('/apps', 303);
    });
    app.post('/logout', async (request, reply) => {
      await accounts.sessions.end(cookie.readAll(request), 'portal');
      cookie.clear(reply);
      return reply.redirect('/login', 303);
    });

    app.get('/forgot-password', async (_request, reply) => reply.page(`${T}/forgot-password`, {}, { form: true }));
    app.post<{ Body: ResetPasswordPayload }>(
      '/forgot-password',
      { schema: { body: ResetPasswordPayload }, ...form('forgot-password') },
      async (request, reply) => {
        await accounts.passwords.forgot(request.body.email, request.ip);
        return reply.page(`${T}/reset-mailed`, { email: request.body.email });
      },
    );
    app.get<{ Querystring: { token?: string } }>('/reset-password', { schema: tokenQuery }, async (request, reply) =>
      reply.page(`${T}/reset-password`, { values: { token: request.query.token ?? '' } }, { form: true }),
    );
    app.post<{ Body: ResetPasswordRequest }>('/reset-password', { schema: { body: ResetPasswordRequest }, ...linkForm('reset-password') }, async (request, reply) => {
      await accounts.passwords.reset(request.body.token, request.body.password, request.ip);
      return reply.page(`${T}/password-reset`);
    });

    app.register(async (signedIn) => {
      signedIn.addHook('onRequest', signedInPage);
      signedIn.get<{ Querystring: { done?: string } }>('/account', async (request, reply) =>
        reply.page(`${T}/account`, { developer: activeSession(request).developer, done: request.query.done }),
      );
      signedIn.post<{ Body: ChangePasswordRequest }>(
        '/account/password',
        { schema: { body: ChangePasswordRequest }, config: { form: { template: `${T}/account`, data: async (request) => ({ developer: activeSession(request).developer }) } } },
        async (request, reply) => {
          const { current_password, new_password } = request.body;
          cookie.set(reply, await accounts.passwords.change(activeSession(request).developer, current_password, new_password, request.ip, 'portal'));
          return reply.redirect('/account?done=password', 303);
        },
      );
      signedIn.post('/account/token', async (request, reply) =>
        noStore(reply).page(`${T}/api-token`, { created: await accounts.apiTokens.create(activeSession(request).developer.id, sessionActorOf(request)), scripts: ['forget-secret.js', 'copy.js'] }),
      );
      signedIn.post('/account/token/revoke', async (request, reply) => {
        if (!confirmed(request.body)) {
          return reply.page('/pages/templates/confirm', {
            title: 'Revoke your personal API token?',
            question: 'Calls made with it are refused from now on.',
            action: '/account/token/revoke',
            button: 'Revoke token',
            cancel: '/account',
          });
        }
        await accounts.apiTokens.revoke(activeSession(request).developer.id, sessionActorOf(request));
        return reply.redirect('/account?done=token-revoked', 303);
      });
    });
  };
}
