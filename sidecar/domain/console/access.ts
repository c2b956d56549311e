import { secretsEqual } from '../../crypto/tokens';
import type { Store } from '../../store';
import type { Actor } from '../../store/audit';
import type { Session } from '../../store/sessions';
import { accountLimits } from '../accounts/limits';
import { TitledProblem } from '../accounts/problems';
import { accountSessions } from '../accounts/sessions';
import type { AccountSettings } from '../accounts/settings';
import { adminTokenId } from '../callers';

/** A signed-in console: its session, and who the audit trail names for its changes (the admin token's id). */
export interface ConsoleSession {
  session: Session;
  adminId: string;
}

/** 401 of a console sign-in with anything but the admin token. */
export class InvalidAdminToken extends TitledProblem {
  constructor() {
    super(401, 'Invalid Credentials', 'That is not the admin token.');
  }
}

/**
 * The admin console's sign-in: the admin token, compared in constant time and rate-limited per address, opens a
 * console session (face `console`, held by the token's id; the portal's idle and absolute timeouts). A session of
 * another admin token (since rotated) is no session.
 */
export function consoleAccess(store: Store, settings: Pick<AccountSettings, 'session' | 'signIn' | 'mailsPerAddressPerHour'>, adminToken: string) {
  const limits = accountLimits(store, settings);
  const sessions = accountSessions(store, settings);
  const adminId = adminTokenId(adminToken);
  return {
    /** A new console session for the holder of the admin token; its id is returned this once, for the cookie. */
    async signIn(presented: string, address: string): Promise<string> {
      const attempt = await limits.beginConsoleSignIn(address);
      if (!secretsEqual(presented, adminToken)) throw new InvalidAdminToken();
      await attempt.succeeded();
      return (await sessions.open('console', { adminId })).id;
    },
    async resolve(id: string | undefined): Promise<ConsoleSession | undefined> {
      const session = await sessions.live(id, 'console');
      return session?.adminId === adminId ? { session, adminId } : undefined;
    },
    signOut: (ids: string[]) => sessions.end(ids, 'console'),
    /** The admin, as the audit trail names a change made from this console session at this address. */
    actor: (address: string): Actor => ({ type: 'admin', id: adminId, address }),
  };
}

export type ConsoleAccess = ReturnType<typeof consoleAccess>;
