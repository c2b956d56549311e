import type { Store } from '../store';
import { PORTAL } from '../defaults';
import type { Application, Developer, Registration } from '../store/records';
import type { ApplicationService } from './applications';
import { inactive } from './applications';
import type { Caller } from './callers';
import { Conflict, NotFound, orConflict } from './errors';
import type { ServiceCatalog } from './services';
import { type PageQuery, listPage } from './shapes/common';
import type { Decision, RegistrationInput, RegistrationListQuery } from './shapes/registrations';

/** An application's requests to use a gateway service (a service name as in kong.yml), decided by an admin. */
export function registrationService(store: Store, applications: Pick<ApplicationService, 'reach'>, services: ServiceCatalog) {
  /**
   * Whether a request is approved at once. A service published as an API of the catalog takes applications of its
   * one auth strategy only, and its auto_approve_registrations (when set) overrides the strategy's auto_approve.
   */
  const autoApproval = async (application: Application, service: string): Promise<boolean> => {
    const strategy = await store.strategies.get(application.auth_strategy_id);
    const publication = await store.publications.ofService(service, PORTAL.id);
    if (!publication) return strategy?.auto_approve ?? false;
    if (publication.auth_strategy_id === null) throw new Conflict(`API ${service} takes no application registrations (it has no auth strategy)`);
    if (publication.auth_strategy_id !== application.auth_strategy_id) {
      throw new Conflict(`API ${service} takes applications of auth strategy ${publication.auth_strategy_id} only`);
    }
    return publication.auto_approve_registrations ?? strategy?.auto_approve ?? false;
  };

  return {
    /** Pending, or approved at once when the application's auth strategy says auto_approve. */
    async request(developer: Developer, applicationId: string, input: RegistrationInput): Promise<Registration> {
      const application = await applications.reach({ role: 'developer', developer }, applicationId);
      if (application.status !== 'active') throw inactive(application);
      await services.check(input.service);
      const autoApprove = await autoApproval(application, input.service);
      return orConflict(
        () => store.registrations.create(application.id, input.service, autoApprove ? 'approved' : 'pending'),
        { unique: `application ${application.id} is already registered for ${input.service}` },
      );
    },
    /** One application's registrations: the admin's view of any, a developer's of their own. */
    async list(caller: Caller, applicationId: string, query: PageQuery) {
      const application = await applications.reach(caller, applicationId);
      return listPage(query, (page) => store.registrations.list(application.id, page), (r) => r);
    },
    /** Every application's registrations, pending first: what waits for the admin. */
    listAll: (query: RegistrationListQuery) =>
      listPage(query, (page) => store.registrations.listAll(page, { status: query['filter[status]'] }), (r) => r),
    async decide(applicationId: string, registrationId: string, decision: Decision): Promise<Registration> {
      const application = await applications.reach({ role: 'admin' }, applicationId);
      const updated = await store.registrations.setStatus(application.id, registrationId, decision.status);
      if (!updated) throw new NotFound('registration', registrationId);
      return updated;
    },
  };
}

export type RegistrationService = ReturnType<typeof registrationService>;
