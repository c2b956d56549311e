import type { Store } from '../store';
import { NotFound } from './errors';

/**
 * What the gateway plugin needs to map a client ID: the application, its developer and the services it is
 * approved for. An application being deleted is unknown to the gateway already; a suspended developer's
 * applications are known, with `developer.status` revoked, so that the plugin can say why it refuses.
 */
export async function applicationByClientId(store: Store, clientId: string) {
  const application = await store.applications.getByClientId(clientId);
  if (!application || application.status !== 'active') throw new NotFound('application with client ID', clientId);
  const developer = await store.developers.get(application.developer_id);
  if (!developer) throw new NotFound('application with client ID', clientId);
  return {
    application: { id: application.id, name: application.name, status: application.status },
    developer: { id: developer.id, email: developer.email, status: developer.status },
    services: await store.registrations.approvedServices(application.id),
  };
}
