import type { Store } from '../store';
import { notFound } from './errors';

/**
 * What the gateway plugin needs to map a client ID: the application (with its status, so the plugin can tell a
 * client with a valid token why it is refused), its developer and the services it is approved for.
 */
export async function applicationByClientId(store: Store, clientId: string) {
  const application = await store.applications.getByClientId(clientId);
  if (!application) throw notFound('application with client ID', clientId);
  const developer = await store.developers.get(application.developer_id);
  if (!developer) throw notFound('application with client ID', clientId);
  return {
    application: { id: application.id, name: application.name, status: application.status },
    // A developer's status is passed on once developers have one; the plugin treats its absence as approved.
    developer: { id: developer.id, email: developer.email, ...statusOf(developer) },
    services: await store.registrations.approvedServices(application.id),
  };
}

function statusOf(developer: object): { status?: string } {
  const status = (developer as { status?: unknown }).status;
  return typeof status === 'string' ? { status } : {};
}
