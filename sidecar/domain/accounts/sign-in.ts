import { verifyPassword } from '../../crypto/passwords';
import type { Store } from '../../store';
import type { Developer } from '../../store/records';
import { ProblemError } from '../errors';
import type { AccountLimits } from './limits';
import type { AccountSettings } from './settings';
import { normalizeEmail } from './sign-up';

/** Portal API v2's 401 of a failed sign-in: the same for an unknown email and a wrong password. */
const invalidCredentials = () => new ProblemError(401, 'Invalid Credentials', 'You have entered an invalid email or password.');

/** Why a developer with the right password still cannot sign in (told only after the password matched). */
function refusal(developer: Developer, requireEmailVerification: boolean): ProblemError | undefined {
  if (developer.status === 'approved') return undefined;
  if (developer.status === 'pending' && requireEmailVerification && !developer.email_verified_at) {
    return new ProblemError(401, 'Email Verification Required', 'Verify your email first: follow the link we mailed you.');
  }
  if (developer.status === 'pending') return new ProblemError(401, 'Approval Required', 'Your account is pending approval for access.');
  if (developer.status === 'revoked') return new ProblemError(401, 'Account Suspended', 'Your account has been suspended.');
  return new ProblemError(401, 'Approval Required', 'Your account was not approved.');
}

export function signIns(store: Store, limits: AccountLimits, settings: Pick<AccountSettings, 'requireEmailVerification'>) {
  return {
    /** The developer whose email and password these are, if they may sign in; rate-limited per email and address. */
    async authenticate(username: string, password: string, address: string): Promise<Developer> {
      const email = normalizeEmail(username);
      const attempt = await limits.beginSignIn(email, address);
      const found = await store.developers.findWithPasswordByEmail(email);
      // Unknown email: the KDF runs against a dummy hash all the same.
      if (!(await verifyPassword(password, found?.passwordHash)) || !found) throw invalidCredentials();
      await attempt.succeeded();
      const refused = refusal(found.developer, settings.requireEmailVerification);
      if (refused) throw refused;
      return found.developer;
    },
  };
}

export type SignIns = ReturnType<typeof signIns>;
