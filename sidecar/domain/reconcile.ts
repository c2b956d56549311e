import type { Store } from '../store';
import type { DcrProvider } from '../store/records';
import type { DcrProviderService } from './dcr-providers';

/** What reconciling one provider found (and, with fix, removed). */
export interface ProviderReconciliation {
  provider_id: string;
  provider_name: string;
  /** `unsupported`: the IdP cannot list clients (RFC 7591 servers); `failed`: it could not be asked. */
  status: 'checked' | 'unsupported' | 'failed';
  error?: string;
  /** IdP clients with our prefix that no application maps to. */
  orphans: { client_id: string; client_name: string }[];
  /** Applications whose client the IdP no longer has. */
  missing: { application_id: string; client_id: string }[];
  /** Orphans deleted at the IdP (with fix). */
  removed: string[];
}

/** Orphans younger than this may still be getting their application row: reconcile leaves them alone. */
export const RECONCILE_GRACE_SECONDS = 300;

export interface ReconcileOptions {
  fix: boolean;
  /** Orphans younger than this are reported but never removed: their application may be being written. */
  graceSeconds: number;
}

/**
 * Compares every provider's clients that carry our name prefix with the applications in the database. It never
 * lists or touches an IdP client without the prefix.
 */
export function reconciler(store: Store, providers: DcrProviderService, clientNamePrefix: string) {
  const reconcileProvider = async (provider: DcrProvider, options: ReconcileOptions): Promise<ProviderReconciliation> => {
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
      .filter((a) => a.status === 'active' && !atIdp.has(a.client_id))
      .map((a) => ({ application_id: a.id, client_id: a.client_id }));
    const orphans = clients.filter((c) => !mapped.has(c.clientId));
    report.orphans = orphans.map((c) => ({ client_id: c.clientId, client_name: c.clientName }));
    if (!options.fix) return report;
    const settledBefore = Date.now() / 1000 - options.graceSeconds;
    // A registration that got no answer is the late-registration check's to settle, however long it takes.
    const unsettled = new Set((await store.registrationChecks.listPending(provider.id)).map((check) => check.client_name));
    for (const orphan of orphans) {
      if (orphan.issuedAt !== undefined && orphan.issuedAt > settledBefore) continue;
      if (unsettled.has(orphan.clientName)) continue;
      try {
        await driver.deleteClient(orphan.clientId, null);
        report.removed.push(orphan.clientId);
      } catch (error) {
        report.error = (error as Error).message;
      }
    }
    return report;
  };

  return {
    async reconcile(options: ReconcileOptions): Promise<ProviderReconciliation[]> {
      const reports: ProviderReconciliation[] = [];
      for (const provider of await store.providers.listAll()) reports.push(await reconcileProvider(provider, options));
      return reports;
    },
  };
}

export type Reconciler = ReturnType<typeof reconciler>;
