import type { FastifyInstance } from 'fastify';
import { Forbidden, ProblemError } from '../domain/errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF rules of the cookie-authenticated JSON API. A state-changing call with a body is taken only as
 * `application/json`: a cross-origin JSON request needs a CORS preflight, which no answer of ours allows
 * (form and text bodies are what a page of another origin can send without one). A body-less call is taken
 * whatever its type (Kong's SDK sends logout and refresh so). When an Origin is sent, it must be the portal's
 * own or one of the allowed front ends. Kong's SDK sends nothing more from a script, so a token header would
 * lock it out.
 */
export function enforceCsrfRules(app: FastifyInstance, origins: { own: string; allowed: string[] }): void {
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body: Buffer, done) => {
    if (body.length === 0) done(null, undefined);
    else done(new ProblemError(415, 'a request body must be sent as application/json'));
  });
  const accepted = new Set([origins.own, ...origins.allowed]);
  app.addHook('onRequest', async (request) => {
    const origin = request.headers.origin;
    if (SAFE_METHODS.has(request.method) || origin === undefined) return;
    if (!accepted.has(origin)) throw new Forbidden(`requests from origin ${origin} are not accepted`);
  });
}
