import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { AccountSessions, ActiveSession } from '../domain/accounts/sessions';
import { NoSession } from '../domain/accounts/problems';
import { type Actor, developerActor } from '../store/audit';
import { type OperationSpec, operation } from '../routes/schemas';
import type { SessionCookie } from './session-cookie';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in developer's session (portal routes that require one). */
    portalSession?: ActiveSession;
  }
}

/** Accepts only requests carrying a live portal session cookie (never a bearer token, never the console's). */
export function requirePortalSession(sessions: AccountSessions, cookie: SessionCookie): onRequestAsyncHookHandler {
  return async (request: FastifyRequest) => {
    const active = await sessions.resolve(cookie.read(request), 'portal');
    if (!active) throw new NoSession();
    request.portalSession = active;
  };
}

/** Who makes a change through the portal session, for the audit trail: the developer, from the client's address. */
export function sessionActorOf(request: FastifyRequest): Actor {
  return developerActor(activeSession(request).developer.id, request.ip);
}

/**
 * Takes anonymous visitors too (the catalog): a live portal session makes the request a signed-in developer's;
 * no cookie, or one that opens no session, is an anonymous visitor, never a 401.
 */
export function acceptPortalSession(sessions: AccountSessions, cookie: SessionCookie): onRequestAsyncHookHandler {
  return async (request: FastifyRequest) => {
    const active = await sessions.resolve(cookie.read(request), 'portal');
    if (active) request.portalSession = active;
  };
}

/** The signed-in developer of a request that passed `acceptPortalSession`; undefined: an anonymous visitor. */
export const viewerOf = (request: FastifyRequest) => request.portalSession?.developer;

/** The session of a request that passed `requirePortalSession`. */
export function activeSession(request: FastifyRequest): ActiveSession {
  if (!request.portalSession) throw new Error('route needs requirePortalSession');
  return request.portalSession;
}

/** The signed-in developer of a request that passed `requirePortalSession`. */
export const sessionDeveloper = (request: FastifyRequest) => activeSession(request).developer;

/** The route options of an operation for a signed-in developer (the portal cookie; never a bearer token). */
export function sessionOperation(signedIn: onRequestAsyncHookHandler) {
  return (spec: OperationSpec) => ({ ...operation(undefined, { ...spec, errors: [401, ...(spec.errors ?? [])] }), onRequest: signedIn });
}
