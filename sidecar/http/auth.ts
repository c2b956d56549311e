import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { secretMatcher, tokenDigest } from '../crypto/tokens';
import { type Caller, adminTokenId } from '../domain/callers';
import { Forbidden, Unauthorized } from '../domain/errors';
import type { Actor } from '../store/audit';
import type { Developer } from '../store/records';

declare module 'fastify' {
  interface FastifyRequest {
    /** The admin or the developer whose token authenticated this request (not set for gateway calls). */
    caller?: Caller;
    /** The same, as the audit trail names it (with the client's address). */
    actor?: Actor;
  }
}

/** The three kinds of bearer token, each an OpenAPI security scheme of the same name. */
export type Role = 'admin' | 'developer' | 'gateway';

/** Who may call an operation: the hook that checks it, and what OpenAPI says about it. */
export interface Access {
  onRequest: onRequestAsyncHookHandler;
  security: Partial<Record<Role, string[]>>[];
}

type FindDeveloper = (tokenHash: string) => Promise<Developer | undefined>;

/** "this call needs the admin token or a developer token" */
const needs = (roles: Role[]) =>
  `this call needs ${roles.map((role) => (role === 'developer' ? 'a developer token' : `the ${role} token`)).join(' or ')}`;

function bearerToken(request: FastifyRequest): string | undefined {
  const match = /^Bearer +(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

/**
 * The access rules of the API. No token, or one nobody has, is 401; a valid token of another role is 403 naming
 * the role the call needs.
 */
export function accessControl(tokens: { admin: string; gateway: string }, findByTokenHash: FindDeveloper) {
  const adminId = adminTokenId(tokens.admin);
  const isAdmin = secretMatcher(tokens.admin);
  const isGateway = secretMatcher(tokens.gateway);
  const identify = async (request: FastifyRequest): Promise<Caller | { role: 'gateway' } | undefined> => {
    const presented = bearerToken(request);
    if (presented === undefined) return undefined;
    // One digest per request: the gateway's lookups run for every client ID the plugin has not cached.
    const digest = tokenDigest(presented);
    if (isAdmin(digest)) return { role: 'admin' };
    if (isGateway(digest)) return { role: 'gateway' };
    // Lookup by digest: the stored value is the digest, and equality of digests leaks nothing about the token.
    const developer = await findByTokenHash(digest.toString('hex'));
    // A suspended (revoked), pending or rejected developer's token is refused like their sign-in.
    if (developer && developer.status !== 'approved') throw new Forbidden(`this developer account is ${developer.status}: its tokens are refused`);
    return developer && { role: 'developer', developer };
  };
  const allow = (...roles: Role[]): Access => ({
    async onRequest(request: FastifyRequest) {
      const caller = await identify(request);
      if (!caller) throw new Unauthorized();
      if (!roles.includes(caller.role)) throw new Forbidden(needs(roles));
      if (caller.role === 'gateway') return;
      request.caller = caller;
      const id = caller.role === 'admin' ? adminId : caller.developer.id;
      request.actor = { type: caller.role, id, address: request.ip };
    },
    security: roles.map((role) => ({ [role]: [] })),
  });
  return { admin: allow('admin'), developer: allow('developer'), gateway: allow('gateway'), adminOrDeveloper: allow('admin', 'developer') };
}

export type AccessControl = ReturnType<typeof accessControl>;

/** The caller of an operation open to the admin and developers. */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new Unauthorized();
  return request.caller;
}

/** The developer of a developer-only operation. */
export function developerOf(request: FastifyRequest): Developer {
  const caller = callerOf(request);
  if (caller.role !== 'developer') throw new Forbidden(needs(['developer']));
  return caller.developer;
}

/** Who makes this change, for the audit trail. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new Unauthorized();
  return request.actor;
}
