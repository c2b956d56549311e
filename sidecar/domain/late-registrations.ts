import type { Store } from '../store';
import { HOUSEKEEPING } from '../store/audit';
import type { RegistrationCheck } from '../store/records';
import type { DeletionBackoff } from './application-deletion';
import { idpClientDeleted } from './audit';
import type { DcrProviderService } from './dcr-providers';
import type { Logger } from './logger';

/** How far the IdP's clock may be from ours when its issue time is matched to our attempt. */
const CLOCK_SKEW_MS = 60_000;

export interface LateRegistrationOptions {
  /**
   * How long after a failed attempt to look for its client. Longer than the IdP deadline plus the clock skew, so
   * that every registration of the same name that overlapped the attempt has been stored (or failed) by then.
   */
  checkDelayMs: number;
  /** Total deadline of one IdP operation: how late after the attempt the IdP may have issued the client. */
  idpTimeoutMs: number;
  /** The longest a creation runs (its registration, its write, its clean-up delete): past this, it ended or died. */
  attemptMs: number;
  backoff: DeletionBackoff;
  /** How long a check holds its attempt before another replica may take it over (this one died). */
  leaseMs: number;
}

/**
 * A registration that got no answer (timeout, network error, 5xx) may have created the client at the IdP anyway,
 * and so may one whose replica died before writing its application. Every attempt is written down before it
 * calls the IdP and struck off when it ends with its application or with nothing at the IdP; what is left is
 * checked later: a client of exactly that name, issued around the attempt, that no application maps to, is
 * deleted. Survives restarts; IdPs that cannot list clients are left to reconcile.
 */
export function lateRegistrationCleanup(store: Store, providers: DcrProviderService, log: Logger, options: LateRegistrationOptions) {
  /**
   * Deletes the client the attempt may have left: how many were deleted, or when to look again while another
   * attempt at the same name may still be running (its client may be listed before its application is written).
   */
  const settle = async (check: RegistrationCheck): Promise<{ deleted: number } | { lookAgainAt: Date }> => {
    const provider = await store.providers.get(check.provider_id);
    if (!provider) return { deleted: 0 };
    const driver = providers.driverFor(provider);
    const clients = await driver.listClients(check.client_name);
    if (clients === null) return { deleted: 0 };
    // After the listing: an attempt whose client it shows wrote its check before registering, so it is seen here
    // unless it has ended (its application is then written, read below).
    const running = (await store.registrationChecks.startedSince(check.provider_id, check.client_name, new Date(Date.now() - options.attemptMs)))
      .filter((other) => other.id !== check.id);
    if (running.length > 0) {
      const lastStart = Math.max(...running.map((other) => Date.parse(other.started_at)));
      return { lookAgainAt: new Date(lastStart + options.attemptMs) };
    }
    const startedMs = Date.parse(check.started_at);
    const issuedFrom = (startedMs - CLOCK_SKEW_MS) / 1000;
    const issuedTo = (startedMs + options.idpTimeoutMs + CLOCK_SKEW_MS) / 1000;
    const candidates = clients.filter(
      (c) => c.clientName === check.client_name && c.issuedAt !== undefined && c.issuedAt >= issuedFrom && c.issuedAt <= issuedTo,
    );
    const mapped = await store.applications.mappedClientIds(candidates.map((c) => c.clientId));
    let deleted = 0;
    for (const client of candidates.filter((c) => !mapped.has(c.clientId))) {
      await driver.deleteClient(client.clientId, null);
      await store.audit.record(HOUSEKEEPING, idpClientDeleted(client, check.provider_id));
      log.info({ clientId: client.clientId, providerId: check.provider_id }, 'deleted an IdP client registered after its request had failed');
      deleted += 1;
    }
    return { deleted };
  };

  return {
    /**
     * Writes an attempt down before it calls the IdP: checked once it can no longer be running, unless struck off
     * (in the transaction that writes its application, or by `settled`). Returns the check's id.
     */
    attemptStarting(providerId: string, clientName: string, startedAt: Date): Promise<string> {
      const checkAt = new Date(startedAt.getTime() + options.attemptMs + options.checkDelayMs);
      return store.registrationChecks.add(providerId, clientName, startedAt, checkAt);
    },
    /** The attempt got no answer: its client is looked for after the check delay. Never throws (see below). */
    async outcomeUnknown(checkId: string): Promise<void> {
      await store.registrationChecks
        .postpone(checkId, new Date(Date.now() + options.checkDelayMs))
        .catch((error: unknown) => log.warn({ reason: (error as Error).message }, 'could not bring an uncertain registration check forward'));
    },
    /** The attempt left nothing at the IdP (refused, or its client deleted again). Never throws: the check finds nothing. */
    async settled(checkId: string): Promise<void> {
      await store.registrationChecks
        .remove(checkId)
        .catch((error: unknown) => log.warn({ reason: (error as Error).message }, 'could not strike off a settled registration attempt'));
    },
    /**
     * One pass of the background check: the attempts that are due, each claimed first so that every check runs on
     * one replica only. Returns how many clients were deleted.
     */
    async checkDue(batchSize = 20): Promise<number> {
      let deleted = 0;
      // Due as of the pass's start: a check that failed again in this pass waits for the next one.
      const passStart = new Date();
      for (let claimed = 0; claimed < batchSize; claimed += 1) {
        const check = await store.registrationChecks.claimDue(passStart, new Date(Date.now() + options.leaseMs));
        if (!check) break;
        try {
          const outcome = await settle(check);
          if ('lookAgainAt' in outcome) {
            await store.registrationChecks.postpone(check.id, outcome.lookAgainAt);
            continue;
          }
          deleted += outcome.deleted;
          await store.registrationChecks.remove(check.id);
        } catch (error) {
          const delay = Math.min(options.backoff.maxMs, options.backoff.baseMs * 2 ** check.attempts);
          await store.registrationChecks.reschedule(check, new Date(Date.now() + delay));
          log.warn({ providerId: check.provider_id, reason: (error as Error).message }, 'uncertain registration check failed; will retry');
        }
      }
      return deleted;
    },
  };
}

export type LateRegistrationCleanup = ReturnType<typeof lateRegistrationCleanup>;
