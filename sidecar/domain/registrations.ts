import type { Store } from '../store';
import { StoreConstraintError } from '../store/errors';
import type { Application, PageRequest, RegistrationStatus } from '../store/records';
import { conflict, notFound } from './errors';

/** An application's requests to use a gateway service (a service name as in kong.yml), decided by an admin. */
export function registrationService(store: Store) {
  return {
    /** Pending, or approved at once when the application's auth strategy says auto_approve. */
    async request(application: Application, service: string) {
      if (application.status !== 'active') throw conflict(`application ${application.id} is being deleted`);
      const strategy = await store.strategies.get(application.auth_strategy_id);
      try {
        return await store.registrations.create(application.id, service, strategy?.auto_approve ? 'approved' : 'pending');
      } catch (error) {
        if (error instanceof StoreConstraintError && error.violation === 'unique') {
          throw conflict(`application ${application.id} is already registered for ${service}`);
        }
        throw error;
      }
    },
    list: (applicationId: string, page: PageRequest) => store.registrations.list(applicationId, page),
    async decide(applicationId: string, registrationId: string, status: Exclude<RegistrationStatus, 'pending'>) {
      const updated = await store.registrations.setStatus(applicationId, registrationId, status);
      if (!updated) throw notFound('registration', registrationId);
      return updated;
    },
  };
}

export type RegistrationService = ReturnType<typeof registrationService>;
