import type { Store } from '../store';
import { NotFound } from './errors';

/**
 * What the gateway plugin needs to map a client ID: the application, its developer and the services it is
 * approved for. An application being deleted is unknown to the gateway already.
 */
export async function applicationByClientId(store: Store, clientId: string) {
  const application = await store.applications.getByClientId(clientId);
  if (!application || application.status !== 'active') throw new NotFound('application with client ID', clientId);
  const developer = await store.developers.get(application.developer_id);
  if (!developer) throw new NotFound('application with client ID', clientId);
  return {
    application: { id: application.id, name: application.name, status: application.status },
    developer: { id: developer.id, email: developer.email },
    services: await store.registrations.approvedServices(application.id),
  };
}
