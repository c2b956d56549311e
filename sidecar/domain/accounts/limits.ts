import type { Store } from '../../store';
import { TooManyRequests } from '../errors';
import type { RateLimitBucket, WindowOf } from '../../store/rate-limits';
import type { AccountSettings, SignInLimits } from './settings';

const HOUR = 3_600_000;

const tooManyRequests = (until: Date) =>
  new TooManyRequests('Too many attempts; try again later', Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000)));

/**
 * The rule of one subject's failed sign-ins: a first typo costs nothing; from the second failure on each one
 * doubles the wait (capped); `maxFailuresPerEmail` failures within the window are 429 until the oldest ages out.
 */
async function checkFailures(signIn: SignInLimits, window: WindowOf, bucket: RateLimitBucket, subject: string, since: Date) {
  const failures = await window(bucket, subject, since);
  if (failures.count >= signIn.maxFailuresPerEmail && failures.oldest) {
    throw tooManyRequests(new Date(failures.oldest.getTime() + signIn.windowMs));
  }
  if (failures.count > 1 && failures.newest) {
    const delay = Math.min(signIn.baseDelayMs * 2 ** (failures.count - 2), signIn.maxDelayMs);
    const allowedAt = new Date(failures.newest.getTime() + delay);
    if (allowedAt.getTime() > Date.now()) throw tooManyRequests(allowedAt);
  }
}

/** One counted sign-in attempt: a failure unless `succeeded` takes it back. */
export interface SignInAttempt {
  succeeded(): Promise<void>;
}

/**
 * Sign-in and mail limits, counted in the database. An attempt is counted as a failure before the password is
 * checked, in the same transaction as the check of the limits (the store locks the subjects), so concurrent
 * guesses on any replica see each other; a success takes its count back and clears the email's failures.
 * Nothing is permanent: events age out of the window.
 */
export function accountLimits(store: Store, settings: Pick<AccountSettings, 'signIn' | 'mailsPerAddressPerHour'>) {
  const { signIn } = settings;
  return {
    /** 429 (with Retry-After) while the email must wait or has failed too often, or the address has. */
    async beginSignIn(email: string, address: string): Promise<SignInAttempt> {
      const since = new Date(Date.now() - signIn.windowMs);
      const events = [
        { bucket: 'sign_in_email' as const, subject: email },
        { bucket: 'sign_in_address' as const, subject: address },
      ];
      const [, addressEvent] = await store.rateLimits.admit(events, async (window) => {
        const byAddress = await window('sign_in_address', address, since);
        if (byAddress.count >= signIn.maxFailuresPerAddress && byAddress.oldest) {
          throw tooManyRequests(new Date(byAddress.oldest.getTime() + signIn.windowMs));
        }
        await checkFailures(signIn, window, 'sign_in_email', email, since);
      });
      return {
        async succeeded() {
          await store.rateLimits.clear('sign_in_email', email);
          await store.rateLimits.remove(addressEvent!);
        },
      };
    },
    /**
     * The console's sign-in (the admin token): one secret for everyone, so the address is the subject, under the
     * rule of one email's failures. A success takes its count back and clears the address's failures.
     */
    async beginConsoleSignIn(address: string): Promise<SignInAttempt> {
      const since = new Date(Date.now() - signIn.windowMs);
      await store.rateLimits.admit([{ bucket: 'console_sign_in_address', subject: address }], (window) =>
        checkFailures(signIn, window, 'console_sign_in_address', address, since),
      );
      return { succeeded: () => store.rateLimits.clear('console_sign_in_address', address) };
    },
    /** Counts one mail asked for (sign-up, password reset) from this address; 429 past the hourly limit. */
    async countMailRequest(address: string): Promise<void> {
      await store.rateLimits.admit([{ bucket: 'mail_address', subject: address }], async (window) => {
        const byAddress = await window('mail_address', address, new Date(Date.now() - HOUR));
        if (byAddress.count >= settings.mailsPerAddressPerHour && byAddress.oldest) {
          throw tooManyRequests(new Date(byAddress.oldest.getTime() + HOUR));
        }
      });
    },
  };
}

export type AccountLimits = ReturnType<typeof accountLimits>;
