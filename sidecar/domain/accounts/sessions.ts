import { randomBytes } from 'node:crypto';
import { hashToken } from '../../crypto/tokens';
import type { Store } from '../../store';
import type { Developer } from '../../store/records';
import type { Session, SessionFace, SessionHolder } from '../../store/sessions';
import type { AccountSettings } from './settings';

/** A signed-in browser: the session, and the developer as they are now. */
export interface ActiveSession {
  session: Session;
  developer: Developer;
}

/** Only the digest of the cookie's id is stored: a database dump signs no one in. */
const sessionIdHash = (id: string) => hashToken(id);

/** Server-side sessions: the cookie holds 256 random bits, the database their SHA-256 and the face. */
export function accountSessions(store: Store, settings: Pick<AccountSettings, 'session'>) {
  const { idleMs, absoluteMs } = settings.session;
  const expired = (session: Session, now: number) =>
    new Date(session.lastSeenAt).getTime() + idleMs <= now || new Date(session.createdAt).getTime() + absoluteMs <= now;

  /** A new session (a new id at every sign-in: no fixation); the id is returned this once, for the cookie. */
  const open = async (face: SessionFace, holder: SessionHolder): Promise<{ id: string; session: Session }> => {
    const id = randomBytes(32).toString('base64url');
    const session = await store.sessions.create({
      ...holder,
      idHash: sessionIdHash(id),
      face,
      csrfToken: randomBytes(32).toString('base64url'),
    });
    return { id, session };
  };
  const start = (developerId: string, face: SessionFace) => open(face, { developerId });

  /** The session with this id for this face, its use recorded; undefined when unknown, of the other face, or timed out. */
  const live = async (id: string | undefined, face: SessionFace): Promise<Session | undefined> => {
    if (!id) return undefined;
    const session = await store.sessions.find(sessionIdHash(id), face);
    if (!session) return undefined;
    if (expired(session, Date.now())) {
      await store.sessions.delete(session.idHash);
      return undefined;
    }
    await store.sessions.touch(session.idHash);
    return session;
  };

  return {
    start,
    open,
    live,
    /** The live session of a developer who is still approved; undefined otherwise (see `live`). */
    async resolve(id: string | undefined, face: SessionFace): Promise<ActiveSession | undefined> {
      const session = await live(id, face);
      if (!session?.developerId) return undefined;
      const developer = await store.developers.get(session.developerId);
      if (developer?.status !== 'approved') return undefined;
      return { session, developer };
    },
    /** The session under a new id (the old one ends): what a refresh does with server-side sessions. */
    async renew(active: ActiveSession): Promise<string> {
      await store.sessions.delete(active.session.idHash);
      const { id } = await start(active.developer.id, active.session.face);
      return id;
    },
    /** Ends the sessions with these ids on this face (sign-out); an unknown id is already ended. */
    async end(ids: string[], face: SessionFace): Promise<void> {
      for (const id of ids) {
        const session = await store.sessions.find(sessionIdHash(id), face);
        if (session) await store.sessions.delete(session.idHash);
      }
    },
    /** Ends every session of the developer on every face (password change, suspension). */
    endAll: (developerId: string) => store.sessions.deleteForDeveloper(developerId),
    purgeExpired: () => store.sessions.purgeExpired(new Date(Date.now() - idleMs), new Date(Date.now() - absoluteMs)),
  };
}

export type AccountSessions = ReturnType<typeof accountSessions>;
