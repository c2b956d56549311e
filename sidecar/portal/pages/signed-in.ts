import type { FastifyReply, FastifyRequest } from 'fastify';

/** A page for signed-in developers only: anyone else is sent to sign in (a page, not a 401 body). */
export async function signedInPage(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (!request.portalSession) await reply.redirect('/login', 303);
}

/** Pages that show a secret: never stored by the browser or anything between. */
export const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');
