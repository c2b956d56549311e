import type { Store } from '../store';
import type { Developer, Registration } from '../store/records';
import type { ApplicationService } from './applications';
import { inactive } from './applications';
import type { Caller } from './callers';
import { NotFound, orConflict } from './errors';
import type { ServiceCatalog } from './services';
import { type PageQuery, listPage } from './shapes/common';
import type { Decision, RegistrationInput, RegistrationListQuery } from './shapes/registrations';

/** An application's requests to use a gateway service (a service name as in kong.yml), decided by an admin. */
export function registrationService(store: Store, applications: Pick<ApplicationService, 'reach'>, services: ServiceCatalog) {
  return {
    /** Pending, or approved at once when the application's auth strategy says auto_approve. */
    async request(developer: Developer, applicationId: string, input: RegistrationInput): Promise<Registration> {
      const application = await applications.reach({ role: 'developer', developer }, applicationId);
      if (application.status !== 'active') throw inactive(application);
      await services.check(input.service);
      const strategy = await store.strategies.get(application.auth_strategy_id);
      return orConflict(
        () => store.registrations.create(application.id, input.service, strategy?.auto_approve ? 'approved' : 'pending'),
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
