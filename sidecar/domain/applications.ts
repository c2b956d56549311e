import type { Repositories, Store } from '../store';
import type { ApplicationFilter } from '../store/applications';
import type { Actor } from '../store/audit';
import type { Application, Developer } from '../store/records';
import type { ApplicationCreation } from './application-creation';
import { applicationEvent, incompleteAnswer, isNonEmptyString, presentApplication } from './application-creation';
import type { ApplicationDeletion } from './application-deletion';
import type { Caller } from './callers';
import type { DcrProviderService } from './dcr-providers';
import { Conflict, NotFound } from './errors';
import { type PageQuery, listPage } from './shapes/common';
import type { ApplicationListQuery, ApplicationPatch, PresentedApplication } from './shapes/applications';

/** Why an application that is not active cannot take a change. */
export function inactive(application: Application): Conflict {
  const state = application.status === 'disabled' ? 'disabled' : 'being deleted';
  return new Conflict(`application ${application.id} is ${state}`);
}

/** The applications: a developer creates and manages their own; the admin sees, disables and deletes any. */
export function applicationService(
  store: Store,
  providers: DcrProviderService,
  creation: ApplicationCreation,
  deletion: ApplicationDeletion,
) {
  /** The application as far as the caller reaches it: a developer's another's is as unknown as a missing one. */
  const reach = async (caller: Caller, id: string): Promise<Application> => {
    const application = await store.applications.get(id);
    if (!application || (caller.role === 'developer' && application.developer_id !== caller.developer.id)) {
      throw new NotFound('application', id);
    }
    return application;
  };

  /** The filter narrowed to what the caller reaches: a developer's own applications only. */
  const reachable = (caller: Caller, filter: ApplicationFilter): ApplicationFilter =>
    caller.role === 'developer' ? { ...filter, developer_id: caller.developer.id } : filter;

  /** A change to an application's row and its audit row, in one transaction. */
  const changeApplication = (
    actor: Actor,
    action: string,
    before: PresentedApplication,
    change: (tx: Repositories) => Promise<Application | undefined>,
  ): Promise<PresentedApplication> =>
    store.transaction(async (tx) => {
      const updated = await change(tx);
      if (!updated) throw new NotFound('application', before.id);
      const after = presentApplication(updated);
      await tx.audit.record(actor, { ...applicationEvent(before.id), action, before, after });
      return after;
    });

  return {
    reach,
    create: creation.create,
    claim: creation.claim,
    list(caller: Caller, query: ApplicationListQuery) {
      const filter = { developer_id: query['filter[developer_id]'], status: query['filter[status]'], client_id: query['filter[client_id]'] };
      return listPage(query, (page) => store.applications.list(page, reachable(caller, filter)), (a) => presentApplication(a));
    },
    /** One page of the applications the caller reaches that match the filter, as stored (for another face's shapes). */
    page: (caller: Caller, query: PageQuery, filter: ApplicationFilter) =>
      listPage(query, (page) => store.applications.list(page, reachable(caller, filter)), (a) => a),
    get: async (caller: Caller, id: string) => presentApplication(await reach(caller, id)),
    async update(developer: Developer, id: string, patch: ApplicationPatch, actor: Actor): Promise<PresentedApplication> {
      const before = presentApplication(await reach({ role: 'developer', developer }, id));
      return changeApplication(actor, 'application.updated', before, (tx) => tx.applications.update(id, patch));
    },
    /** Deletes now (undefined), or returns the application left pending deletion while the IdP cannot. */
    async delete(caller: Caller, id: string, actor: Actor): Promise<PresentedApplication | undefined> {
      const pending = await deletion.delete(await reach(caller, id), actor);
      return pending && presentApplication(pending);
    },
    /** A new secret from the IdP, shown this once. */
    async refreshSecret(developer: Developer, id: string, actor: Actor): Promise<PresentedApplication> {
      const application = await reach({ role: 'developer', developer }, id);
      if (application.status !== 'active') throw inactive(application);
      const strategy = await store.strategies.get(application.auth_strategy_id);
      if (!strategy?.dcr_provider_id) throw new Conflict('this application uses an existing IdP client: rotate its secret at the IdP');
      const driver = await providers.driverOf(strategy.dcr_provider_id);
      const { clientSecret, managementSecrets } = await driver.refreshSecret(application.client_id, application.idp_secrets);
      if (!isNonEmptyString(clientSecret)) throw incompleteAnswer('new secret', 'client_secret');
      const before = presentApplication(application);
      const after = await changeApplication(actor, 'application.secret_refreshed', before, (tx) =>
        tx.applications.update(id, { idp_secrets: managementSecrets ?? application.idp_secrets }),
      );
      return { ...after, client_secret: clientSecret };
    },
    /** The admin disables an application (the gateway refuses it) or enables it again; its client stays. */
    async setEnabled(id: string, enabled: boolean, actor: Actor): Promise<PresentedApplication> {
      const application = await reach({ role: 'admin' }, id);
      if (application.status === 'pending_deletion') throw inactive(application);
      const action = enabled ? 'application.enabled' : 'application.disabled';
      return changeApplication(actor, action, presentApplication(application), (tx) => tx.applications.setStatus(id, enabled ? 'active' : 'disabled'));
    },
  };
}

export type ApplicationService = ReturnType<typeof applicationService>;
