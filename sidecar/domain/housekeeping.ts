import type { Store } from '../store';
import type { AccountService } from './accounts';
import type { ApplicationDeletion } from './application-deletion';
import type { LateRegistrationCleanup } from './late-registrations';
import type { Logger } from './logger';

/**
 * The background pass, every `intervalMs` (never two at once): retries the IdP deletions that are due, looks for
 * clients left by registrations that got no answer, and purges idempotent responses past their window and creation
 * records older than the creation limit's window, and expired sessions, mailed links and rate-limit counts.
 */
export function startHousekeeping(
  store: Store,
  work: { deletion: ApplicationDeletion; lateRegistrations: LateRegistrationCleanup; accounts: AccountService },
  options: { intervalMs: number; creationWindowMs: number },
  log: Logger,
): () => void {
  let running = false;
  const pass = async () => {
    await work.deletion.retryDue();
    await work.lateRegistrations.checkDue();
    await store.idempotency.purgeExpired();
    await store.creations.purgeBefore(new Date(Date.now() - options.creationWindowMs));
    await work.accounts.purgeExpired();
  };
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    pass()
      .catch((error: unknown) => log.error({ reason: (error as Error).message }, 'housekeeping pass failed'))
      .finally(() => {
        running = false;
      });
  }, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
