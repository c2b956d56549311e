import { randomBytes } from 'node:crypto';
import { hashToken } from '../../crypto/tokens';
import type { Store } from '../../store';
import type { SessionFace } from '../../store/sessions';

/** How long a sign-in or sign-up form stays usable without a reload. */
export const PRE_SESSION_TTL_MS = 2 * 3_600_000;

/**
 * Pre-sessions: the synchronizer token of the forms a browser fills in before it has a session (sign-in,
 * sign-up, forgot and reset password). The cookie holds a random id; the token is in the database, so a cookie
 * planted from another port of the host brings no token with it.
 */
export function preSessions(store: Store) {
  return {
    /** A new pre-session for `face`: its id (for the cookie, returned this once) and its form token. */
    async start(face: SessionFace): Promise<{ id: string; csrfToken: string }> {
      const id = randomBytes(32).toString('base64url');
      const csrfToken = randomBytes(32).toString('base64url');
      await store.preSessions.create(hashToken(id), face, csrfToken);
      return { id, csrfToken };
    },
    /** The form token of the live pre-session with this id for this face; undefined when unknown or too old. */
    async csrfToken(id: string | undefined, face: SessionFace): Promise<string | undefined> {
      if (!id) return undefined;
      const found = await store.preSessions.find(hashToken(id), face);
      if (!found || new Date(found.createdAt).getTime() + PRE_SESSION_TTL_MS <= Date.now()) return undefined;
      return found.csrfToken;
    },
    purgeExpired: () => store.preSessions.purgeCreatedBefore(new Date(Date.now() - PRE_SESSION_TTL_MS)),
  };
}

export type PreSessions = ReturnType<typeof preSessions>;
