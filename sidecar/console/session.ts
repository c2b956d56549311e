import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ConsoleAccess, ConsoleSession } from '../domain/console/access';
import type { Actor } from '../store/audit';
import type { SessionCookie } from '../portal/session-cookie';

declare module 'fastify' {
  interface FastifyRequest {
    /** The console session of this request, if signed in. */
    consoleSession?: ConsoleSession;
  }
}

export const SIGN_IN_PATH = '/admin/sign-in';

/** Resolves the `console_session` cookie of every console request (never a bearer token, never the portal's). */
export function resolveConsoleSessions(app: FastifyInstance, access: ConsoleAccess, cookie: SessionCookie): void {
  app.addHook('onRequest', async (request) => {
    const session = await access.resolve(cookie.read(request));
    if (session) request.consoleSession = session;
  });
}

/** A console page's guard: without a live console session, the browser goes to the sign-in page. */
export async function requireConsoleSession(request: FastifyRequest, reply: FastifyReply) {
  if (!request.consoleSession) return reply.redirect(SIGN_IN_PATH, 303);
  return undefined;
}

/** Who makes a change from the console: the admin token's id, from this request's address. */
export function consoleActor(access: ConsoleAccess, request: FastifyRequest): Actor {
  return access.actor(request.ip);
}
