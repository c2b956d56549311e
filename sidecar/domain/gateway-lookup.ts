import type { Store } from '../store';
import { NotFound } from './errors';

/**
 * What the gateway plugin needs to map a client ID: the application (with its status, so the plugin can tell a
 * client with a valid token why it is refused: being deleted, disabled), its developer (with `developer.status`:
 * revoked is a suspension) and the services it is approved for.
 */
export async function applicationByClientId(store: Store, clientId: string) {
  const mapping = await store.applications.gatewayMapping(clientId);
  if (!mapping) throw new NotFound('application with client ID', clientId);
  return mapping;
}
