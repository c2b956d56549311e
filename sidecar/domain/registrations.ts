import type { Store } from '../store';
import { PORTAL } from '../defaults';
import type { Actor } from '../store/audit';
import type { Application, Developer, Registration } from '../store/records';
import type { ApplicationService } from './applications';
import { approvesAtOnce } from './auto-approval';
import { inactive } from './applications';
import type { Caller } from './callers';
import { Conflict, NotFound, orConflict } from './errors';
import { checkDecision, isOpen } from './registration-states';
import type { ServiceCatalog } from './services';
import { type PageQuery, listPage } from './shapes/common';
import type { Decision, RegistrationInput, RegistrationListQuery } from './shapes/registrations';

/** An application's requests to use a gateway service (a service name as in kong.yml), decided by an admin. */
const about = (registration: Registration) => ({
  resource_type: 'registration',
  resource_id: registration.id,
  application_id: registration.application_id,
});

export function registrationService(store: Store, applications: Pick<ApplicationService, 'reach'>, services: ServiceCatalog) {
  /**
   * Whether a request is approved at once. A service published as an API of the catalog takes applications of its
   * one auth strategy only, and approves as its publication says (see approvesAtOnce).
   */
  const autoApproval = async (application: Application, service: string): Promise<boolean> => {
    const strategy = await store.strategies.get(application.auth_strategy_id);
    const publication = await store.publications.ofService(service, PORTAL.id);
    if (!publication) return approvesAtOnce(undefined, strategy);
    if (publication.auth_strategy_id === null) throw new Conflict(`API ${service} takes no application registrations (it has no auth strategy)`);
    if (publication.auth_strategy_id !== application.auth_strategy_id) {
      throw new Conflict(`API ${service} takes applications of auth strategy ${publication.auth_strategy_id} only`);
    }
    return approvesAtOnce(publication, strategy);
  };

  return {
    /**
     * Pending, or approved at once (see autoApproval). A rejected or revoked registration for the service is
     * replaced by the new request; an open one (pending or approved) makes it a 409.
     */
    async request(developer: Developer, applicationId: string, input: RegistrationInput, actor: Actor): Promise<Registration> {
      const application = await applications.reach({ role: 'developer', developer }, applicationId);
      if (application.status !== 'active') throw inactive(application);
      await services.check(input.service);
      const autoApprove = await autoApproval(application, input.service);
      const taken = `application ${application.id} already has an open registration for ${input.service}`;
      return orConflict(
        () =>
          store.transaction(async (tx) => {
            const earlier = await tx.registrations.ofService(application.id, input.service);
            if (earlier && isOpen(earlier.status)) throw new Conflict(`${taken} (${earlier.status})`);
            if (earlier) await tx.registrations.delete(application.id, earlier.id);
            const created = await tx.registrations.create(application.id, input.service, autoApprove ? 'approved' : 'pending');
            await tx.audit.record(actor, { ...about(created), action: 'registration.requested', before: earlier ?? null, after: created });
            return created;
          }),
        { unique: taken },
      );
    },
    /** The developer withdraws their application's registration, whatever its state: it is deleted. */
    async withdraw(developer: Developer, applicationId: string, registrationId: string, actor: Actor): Promise<void> {
      const application = await applications.reach({ role: 'developer', developer }, applicationId);
      await store.transaction(async (tx) => {
        const current = await tx.registrations.get(application.id, registrationId);
        if (!current || !(await tx.registrations.delete(application.id, registrationId))) throw new NotFound('registration', registrationId);
        await tx.audit.record(actor, { ...about(current), action: 'registration.withdrawn', before: current });
      });
    },
    /** One application's registrations: the admin's view of any, a developer's of their own. */
    async list(caller: Caller, applicationId: string, query: PageQuery) {
      const application = await applications.reach(caller, applicationId);
      return listPage(query, (page) => store.registrations.list(application.id, page), (r) => r);
    },
    /** Every application's registrations, pending first: what waits for the admin. */
    listAll: (query: RegistrationListQuery) =>
      listPage(query, (page) => store.registrations.listAll(page, { status: query['filter[status]'] }), (r) => r),
    async decide(applicationId: string, registrationId: string, decision: Decision, actor: Actor): Promise<Registration> {
      const application = await applications.reach({ role: 'admin' }, applicationId);
      const current = await store.registrations.get(application.id, registrationId);
      if (!current) throw new NotFound('registration', registrationId);
      checkDecision(registrationId, current.status, decision.status);
      return store.transaction(async (tx) => {
        const updated = await tx.registrations.transition(application.id, registrationId, current.status, decision.status);
        if (!updated) throw new Conflict(`registration ${registrationId} changed meanwhile: read it again`);
        await tx.audit.record(actor, { ...about(updated), action: `registration.${decision.status}`, before: current, after: updated });
        return updated;
      });
    },
  };
}

export type RegistrationService = ReturnType<typeof registrationService>;
