import type { Store } from '../store';
import { type Actor, HOUSEKEEPING } from '../store/audit';
import type { Application } from '../store/records';
import { applicationEvent, presentApplication } from './application-creation';
import type { DcrProviderService } from './dcr-providers';
import type { Logger } from './logger';

export interface DeletionBackoff {
  baseMs: number;
  maxMs: number;
}

/**
 * Deleting an application deletes its IdP client first. When the IdP cannot, the application stays in the
 * database as `pending_deletion` (refused at the gateway) and is retried with exponential backoff; the schedule
 * lives in the database, so retries resume after a restart.
 */
export function applicationDeletion(
  store: Store,
  providers: DcrProviderService,
  log: Logger,
  backoff: DeletionBackoff,
  /** How long a retry holds its application before another replica may take it over (this one died). */
  leaseMs: number,
) {
  /** The driver that manages the application's client; none for existing (self-managed) IdP clients. */
  const driverOf = async (application: Application) => {
    const strategy = await store.strategies.get(application.auth_strategy_id);
    if (!strategy?.dcr_provider_id) return undefined;
    return providers.driverOf(strategy.dcr_provider_id);
  };

  /**
   * True when the application is gone; false when it was left pending for a retry. The trail gets the deletion,
   * and the move to pending_deletion (not every failed retry after it: those change only the schedule).
   */
  const attempt = async (application: Application, actor: Actor): Promise<boolean> => {
    const before = presentApplication(application);
    try {
      await (await driverOf(application))?.deleteClient(application.client_id, application.idp_secrets);
    } catch (error) {
      const delay = Math.min(backoff.maxMs, backoff.baseMs * 2 ** application.deletion_attempts);
      const reason = (error as Error).message;
      await store.transaction(async (tx) => {
        await tx.applications.markDeletionFailed(application.id, reason, new Date(Date.now() + delay));
        if (application.status === 'pending_deletion') return;
        const after = { ...before, status: 'pending_deletion' };
        await tx.audit.record(actor, { ...applicationEvent(application.id), action: 'application.deletion_pending', before, after });
      });
      log.warn({ applicationId: application.id, clientId: application.client_id, reason }, 'IdP client deletion failed; will retry');
      return false;
    }
    await store.transaction(async (tx) => {
      await tx.applications.delete(application.id);
      await tx.audit.record(actor, { ...applicationEvent(application.id), action: 'application.deleted', before });
    });
    return true;
  };

  return {
    /** Deletes now, or returns the application left pending deletion. */
    async delete(application: Application, actor: Actor): Promise<Application | undefined> {
      if (await attempt(application, actor)) return undefined;
      return store.applications.get(application.id);
    },
    /**
     * One pass of the retry worker: the applications whose next attempt is due, each claimed first so that every
     * retry runs on one replica only. Returns how many were deleted.
     */
    async retryDue(batchSize = 20): Promise<number> {
      let deleted = 0;
      // Due as of the pass's start: a retry that failed again in this pass waits for the next one.
      const passStart = new Date();
      for (let claimed = 0; claimed < batchSize; claimed += 1) {
        const application = await store.applications.claimDueForDeletion(passStart, new Date(Date.now() + leaseMs));
        if (!application) break;
        if (await attempt(application, HOUSEKEEPING)) deleted += 1;
      }
      return deleted;
    },
  };
}

export type ApplicationDeletion = ReturnType<typeof applicationDeletion>;
