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

function presents(request: FastifyRequest, token: string): boolean {
  const presented = bearerToken(request);
  return presented !== undefined && secretsEqual(presented, token);
}

type FindDeveloper = (tokenHash: string) => Promise<Developer | undefined>;

async function authenticateDeveloper(request: FastifyRequest, findByTokenHash: FindDeveloper): Promise<void> {
  const presented = bearerToken(request);
  // Lookup by digest: the stored value is the digest, and equality of digests leaks nothing about the token.
  const developer = presented ? await findByTokenHash(hashToken(presented)) : undefined;
  if (!developer) throw unauthorized();
  request.developer = developer;
}

/** Accepts only requests that present `token` as a bearer token (admin and gateway calls). */
export function requireToken(token: string): onRequestAsyncHookHandler {
  return async (request: FastifyRequest) => {
    if (!presents(request, token)) throw unauthorized();
  };
}

/** Accepts only requests carrying a developer's current token, and remembers whose it is. */
export function requireDeveloper(findByTokenHash: FindDeveloper): onRequestAsyncHookHandler {
  return (request: FastifyRequest) => authenticateDeveloper(request, findByTokenHash);
}

/** The admin token or a developer's token; `request.developer` is set only for a developer. */
export function requireAdminOrDeveloper(adminToken: string, findByTokenHash: FindDeveloper): onRequestAsyncHookHandler {
  return async (request: FastifyRequest) => {
    if (!presents(request, adminToken)) await authenticateDeveloper(request, findByTokenHash);
  };
}
