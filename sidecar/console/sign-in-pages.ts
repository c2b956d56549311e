import type { FastifyInstance } from 'fastify';
import type { ConsoleAccess } from '../domain/console/access';
import { ConsoleSignIn } from '../domain/shapes/console';
import type { SessionCookie } from '../portal/session-cookie';
import { SEE_OTHER } from './routes';
import { SIGN_IN_PATH } from './session';

const HOME = '/admin/developers';
const SIGN_IN_FORM = '/console/templates/sign-in';

/** Sign in with the admin token, sign out; `/admin/` leads to one or the other. */
export function signInPages(access: ConsoleAccess, cookie: SessionCookie) {
  return async (app: FastifyInstance) => {
    const start = { schema: { hide: true } };
    app.get('/admin', start, async (request, reply) => reply.redirect(request.consoleSession ? HOME : SIGN_IN_PATH, SEE_OTHER));
    app.get('/admin/', start, async (request, reply) => reply.redirect(request.consoleSession ? HOME : SIGN_IN_PATH, SEE_OTHER));
    app.get(SIGN_IN_PATH, start, async (request, reply) =>
      request.consoleSession ? reply.redirect(HOME, SEE_OTHER) : reply.page(SIGN_IN_FORM, {}, { form: true }),
    );
    app.post<{ Body: ConsoleSignIn }>(
      SIGN_IN_PATH,
      { schema: { hide: true, body: ConsoleSignIn }, config: { form: { template: SIGN_IN_FORM } } },
      async (request, reply) => {
        cookie.set(reply, await access.signIn(request.body.admin_token, request.ip));
        return reply.redirect(HOME, SEE_OTHER);
      },
    );
    app.post('/admin/sign-out', start, async (request, reply) => {
      await access.signOut(cookie.readAll(request));
      cookie.clear(reply);
      return reply.redirect(SIGN_IN_PATH, SEE_OTHER);
    });
  };
}
