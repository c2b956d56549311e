import type { Store } from '../store';
import type { RegistrationCheck } from '../store/records';
import type { DeletionBackoff } from './application-deletion';
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
  backoff: DeletionBackoff;
  /** How long a check holds its attempt before another replica may take it over (this one died). */
  leaseMs: number;
}

/**
 * A registration that got no answer (timeout, network error, 5xx) may have created the client at the IdP anyway.
 * Such attempts are kept in the database and checked later: a client of exactly that name, issued around the
 * attempt, that no application maps to, is deleted. Survives restarts; IdPs that cannot list clients are left to
 * reconcile.
 */
export function lateRegistrationCleanup(store: Store, providers: DcrProviderService, log: Logger, options: LateRegistrationOptions) {
  /** Deletes the client the attempt may have left; returns how many were deleted. */
  const settle = async (check: RegistrationCheck): Promise<number> => {
    const provider = await store.providers.get(check.provider_id);
    if (!provider) return 0;
    const driver = providers.driverFor(provider);
    const clients = await driver.listClients(check.client_name);
    if (clients === null) return 0;
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
      log.info({ clientId: client.clientId, providerId: check.provider_id }, 'deleted an IdP client registered after its request had failed');
      deleted += 1;
    }
    return deleted;
  };

  return {
    /** Remembers an attempt whose outcome is unknown. Never throws: reconcile is the safety net if this fails. */
    async remember(providerId: string, clientName: string, startedAt: Date): Promise<void> {
      try {
        await store.registrationChecks.add(providerId, clientName, startedAt, new Date(Date.now() + options.checkDelayMs));
      } catch (error) {
        log.error({ providerId, clientName, reason: (error as Error).message }, 'could not remember an uncertain registration');
      }
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
          deleted += await settle(check);
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
