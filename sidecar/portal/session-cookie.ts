import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SessionFace } from '../store/sessions';

/** Every value the Cookie header holds under this name (a browser sends one per cookie whose path and host match). */
const valuesOf = (header: string | undefined, name: string) =>
  (header ?? '')
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair.startsWith(`${name}=`))
    .map((pair) => pair.slice(name.length + 1));

/**
 * The session cookie of one face: `portal_session` or `console_session`, host-only (no Domain), Path=/,
 * HttpOnly, SameSite=Lax; over https also Secure with the `__Host-` prefix, which no other port or subdomain
 * can set over plain http. The face's own name is the only one read: another face's cookie is no session here.
 * Two cookies of that name (one planted by another port of this host, e.g. with a longer Path so that browsers
 * send it first) are no session either: neither can be told to be the one this face issued.
 */
export function sessionCookie(face: SessionFace, secure: boolean) {
  const name = `${secure ? '__Host-' : ''}${face}_session`;
  const options: CookieSerializeOptions = { path: '/', httpOnly: true, sameSite: 'lax', secure };
  return {
    name,
    read: (request: FastifyRequest): string | undefined =>
      valuesOf(request.headers.cookie, name).length === 1 ? request.cookies[name] : undefined,
    /** Every value sent under the name: sign-out ends each, so a planted twin cannot keep the real session alive. */
    readAll: (request: FastifyRequest): string[] => valuesOf(request.headers.cookie, name),
    set: (reply: FastifyReply, id: string) => reply.setCookie(name, id, options),
    clear: (reply: FastifyReply) => reply.clearCookie(name, options),
  };
}

export type SessionCookie = ReturnType<typeof sessionCookie>;
