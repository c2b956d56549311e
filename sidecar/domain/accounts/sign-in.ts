import { verifyPassword } from '../../crypto/passwords';
import type { Store } from '../../store';
import type { Developer } from '../../store/records';
import type { SessionFace } from '../../store/sessions';
import type { AccountLimits } from './limits';
import { InvalidCredentials, TitledProblem } from './problems';
import type { AccountSessions } from './sessions';
import type { AccountSettings } from './settings';
import { normalizeEmail } from './sign-up';

/** Why a developer with the right password still cannot sign in (told only after the password matched). */
function refusal(developer: Developer, requireEmailVerification: boolean): TitledProblem | undefined {
  if (developer.status === 'approved') return undefined;
  if (developer.status === 'pending' && requireEmailVerification && !developer.email_verified_at) {
    return new TitledProblem(401, 'Email Verification Required', 'Verify your email first: follow the link we mailed you.');
  }
  if (developer.status === 'pending') return new TitledProblem(401, 'Approval Required', 'Your account is pending approval for access.');
  if (developer.status === 'revoked') return new TitledProblem(401, 'Account Suspended', 'Your account has been suspended.');
  return new TitledProblem(401, 'Approval Required', 'Your account was not approved.');
}

export function signIns(
  store: Store,
  limits: AccountLimits,
  sessions: AccountSessions,
  settings: Pick<AccountSettings, 'requireEmailVerification'>,
) {
  return {
    /**
     * Signs in the developer whose email and password these are, if they may sign in (rate-limited per email and
     * address): a new session for `face`, its id returned this once, for the cookie.
     */
    async authenticate(username: string, password: string, address: string, face: SessionFace): Promise<{ developer: Developer; sessionId: string }> {
      const email = normalizeEmail(username);
      const attempt = await limits.beginSignIn(email, address);
      const found = await store.developers.findWithPasswordByEmail(email);
      // Unknown email: the KDF runs against a dummy hash all the same.
      if (!(await verifyPassword(password, found?.passwordHash)) || !found) throw new InvalidCredentials();
      await attempt.succeeded();
      const refused = refusal(found.developer, settings.requireEmailVerification);
      if (refused) throw refused;
      const { id } = await sessions.start(found.developer.id, face);
      return { developer: found.developer, sessionId: id };
    },
  };
}

export type SignIns = ReturnType<typeof signIns>;
