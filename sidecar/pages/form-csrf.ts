import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { secretsEqual } from '../crypto/tokens';
import type { PreSessions } from '../domain/accounts/pre-sessions';
import { Forbidden } from '../domain/errors';
import type { SessionFace } from '../store/sessions';

/** The hidden field every page form carries. */
export const CSRF_FIELD = '_csrf';

/** Where a form's synchronizer token comes from: the signed-in session's row, else a pre-session row. */
export interface FormTokenSource {
  face: SessionFace;
  /** The face's own origin (scheme, host and port): the only Origin a form POST may come from. */
  ownOrigin: string;
  secureCookies: boolean;
  preSessions: PreSessions;
  /** The CSRF token of the request's live session, if signed in (kept in the session row). */
  sessionToken(request: FastifyRequest): string | undefined;
}

/** A form that did not come from this face's own page: never re-rendered, never acted on. */
export class ForgedForm extends Forbidden {}

/**
 * Synchronizer tokens for HTML forms. A signed-in browser's token is its session row's; before sign-in a
 * pre-session row holds it (the cookie only names the row). The token is compared in constant time, and the
 * Origin must be the face's own: browsers share cookies across the ports of a host, so a page served from
 * another port could otherwise post with the victim's cookies.
 */
export function formCsrf(source: FormTokenSource) {
  const cookieName = `${source.secureCookies ? '__Host-' : ''}${source.face}_presession`;
  const cookieOptions: CookieSerializeOptions = { path: '/', httpOnly: true, sameSite: 'lax', secure: source.secureCookies };
  const preSessionToken = (request: FastifyRequest) => source.preSessions.csrfToken(request.cookies[cookieName], source.face);

  return {
    /** The token to put in a form; with `start`, an anonymous browser without a live pre-session gets one. */
    async tokenFor(request: FastifyRequest, reply: FastifyReply, start: boolean): Promise<string | undefined> {
      const fromSession = source.sessionToken(request);
      if (fromSession) return fromSession;
      const existing = await preSessionToken(request);
      if (existing || !start) return existing;
      const { id, csrfToken } = await source.preSessions.start(source.face);
      reply.setCookie(cookieName, id, cookieOptions);
      return csrfToken;
    },
    /** Refuses a form POST from another origin or without the token of this browser; strips the token field. */
    async check(request: FastifyRequest): Promise<void> {
      if (request.headers.origin !== source.ownOrigin) {
        throw new ForgedForm('This form was sent from another site. Open the page here and send it again.');
      }
      const body = (request.body ?? {}) as Record<string, unknown>;
      const presented = body[CSRF_FIELD];
      const expected = source.sessionToken(request) ?? (await preSessionToken(request));
      if (typeof presented !== 'string' || !expected || !secretsEqual(presented, expected)) {
        throw new ForgedForm('This form has expired. Reload the page and send it again.');
      }
      delete body[CSRF_FIELD];
    },
  };
}

export type FormCsrf = ReturnType<typeof formCsrf>;
