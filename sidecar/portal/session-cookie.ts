import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SessionFace } from '../store/sessions';

/**
 * The session cookie of one face: `portal_session` or `console_session`, host-only (no Domain), Path=/,
 * HttpOnly, SameSite=Lax; over https also Secure with the `__Host-` prefix, which no other port or subdomain
 * can set over plain http. The face's own name is the only one read: another face's cookie is no session here.
 */
export function sessionCookie(face: SessionFace, secure: boolean) {
  const name = `${secure ? '__Host-' : ''}${face}_session`;
  const options: CookieSerializeOptions = { path: '/', httpOnly: true, sameSite: 'lax', secure };
  return {
    name,
    read: (request: FastifyRequest): string | undefined => request.cookies[name],
    set: (reply: FastifyReply, id: string) => reply.setCookie(name, id, options),
    clear: (reply: FastifyReply) => reply.clearCookie(name, options),
  };
}

export type SessionCookie = ReturnType<typeof sessionCookie>;
