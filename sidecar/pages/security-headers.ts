import type { FastifyInstance } from 'fastify';

/** Every page's policy: nothing but this origin's own files, no framing, forms only back to this origin. */
export const CONTENT_SECURITY_POLICY = "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";

/**
 * The headers of every answer in a pages scope (pages, assets, refusals). The referrer policy is `same-origin`,
 * not `no-referrer`: under `no-referrer` a browser sends `Origin: null` with a form POST, which the form check refuses.
 */
export function addSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    reply.header('cross-origin-opener-policy', 'same-origin');
  });
}
