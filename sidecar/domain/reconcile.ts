import type { Store } from '../store';
import type { Actor } from '../store/audit';
import type { DcrProvider } from '../store/records';
import { DEFAULTS } from '../defaults';
import { idpClientDeleted } from './audit';
import type { DcrProviderService } from './dcr-providers';
import type { ProviderReconciliation, ReconcileReport } from './shapes/reconcile';

export interface ReconcileOptions {
  fix: boolean;
  /** Orphans younger than this are reported but never removed: their application may be being written. */
  graceSeconds?: number;
}

/**
 * Compares every provider's clients that carry our name prefix with the applications in the database. It never
 * lists or touches an IdP client without the prefix.
 */
export function reconciler(store: Store, providers: DcrProviderService, clientNamePrefix: string) {
  const reconcileProvider = async (provider: DcrProvider, options: ReconcileOptions, actor: Actor): Promise<ProviderReconciliation> => {
    const report: ProviderReconciliation = {
      provider_id: provider.id,
      provider_name: provider.name,
      status: 'checked',
      orphans: [],
      missing: [],
      removed: [],
    };
    const driver = providers.driverFor(provider);
    let clients;
    try {
      clients = await driver.listClients(clientNamePrefix);
    } catch (error) {
      return { ...report, status: 'failed', error: (error as Error).message };
    }
    if (clients === null) return { ...report, status: 'unsupported' };
    const strategies = await store.strategies.listByProvider(provider.id);
    const applications = await store.applications.listByStrategies(strategies.map((s) => s.id));
    const mapped = await store.applications.mappedClientIds(clients.map((c) => c.clientId));
    const atIdp = new Set(clients.map((c) => c.clientId));
    report.missing = applications
      .filter((a) => a.status !== 'pending_deletion' && !atIdp.has(a.client_id))
      .map((a) => ({ application_id: a.id, client_id: a.client_id }));
    const orphans = clients.filter((c) => !mapped.has(c.clientId));
    report.orphans = orphans.map((c) => ({ client_id: c.clientId, client_name: c.clientName }));
    if (!options.fix) return report;
    const settledBefore = Date.now() / 1000 - (options.graceSeconds ?? DEFAULTS.reconcileGraceSeconds);
    // A registration that got no answer is the late-registration check's to settle, however long it takes.
    const unsettled = new Set((await store.registrationChecks.listPending(provider.id)).map((check) => check.client_name));
    for (const orphan of orphans) {
      if (orphan.issuedAt !== undefined && orphan.issuedAt > settledBefore) continue;
      if (unsettled.has(orphan.clientName)) continue;
      try {
        await driver.deleteClient(orphan.clientId, null);
        await store.audit.record(actor, idpClientDeleted(orphan, provider.id));
        report.removed.push(orphan.clientId);
      } catch (error) {
        report.error = (error as Error).message;
      }
    }
    return report;
  };

  return {
    /** `actor` is who asked: the trail names them for each orphan deleted. */
    async reconcile(options: ReconcileOptions, actor: Actor): Promise<ReconcileReport> {
      const data: ProviderReconciliation[] = [];
      for (const provider of await store.providers.listAll()) data.push(await reconcileProvider(provider, options, actor));
      return { data };
    },
  };
}

export type Reconciler = ReturnType<typeof reconciler>;
