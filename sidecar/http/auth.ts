import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { hashToken, secretsEqual } from '../crypto/tokens';
import { ProblemError } from '../domain/errors';
import type { Developer } from '../store/records';

declare module 'fastify' {
  interface FastifyRequest {
    /** The developer whose token authenticated this request (developer routes only). */
    developer?: Developer;
  }
}

const unauthorized = () => new ProblemError(401, 'Unauthorized', 'a valid bearer token is required');

function bearerToken(request: FastifyRequest): string | undefined {
  const match = /^Bearer +(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

/** Accepts only requests that present `token` as a bearer token (admin and gateway calls). */
export function requireToken(token: string): onRequestAsyncHookHandler {
  return async (request: FastifyRequest) => {
    const presented = bearerToken(request);
    if (!presented || !secretsEqual(presented, token)) throw unauthorized();
  };
}

/** Accepts only requests carrying a developer's current token, and remembers whose it is. */
export function requireDeveloper(findByTokenHash: (hash: string) => Promise<Developer | undefined>): onRequestAsyncHookHandler {
  return async (request: FastifyRequest) => {
    const presented = bearerToken(request);
    // Lookup by digest: the stored value is the digest, and equality of digests leaks nothing about the token.
    const developer = presented ? await findByTokenHash(hashToken(presented)) : undefined;
    if (!developer) throw unauthorized();
    request.developer = developer;
  };
}
