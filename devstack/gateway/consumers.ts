import type { ConsumerEntity } from '../kong-rpc';
import { entityId } from './entity-id';
import type { YamlMapping } from './yaml-fields';

const CONSUMER_FIELDS = ['id', 'username', 'custom_id', 'tags'];
// Kong nests credentials, ACL groups and plugins in a consumer; none of them exist in the dev gateway.
const CONSUMER_UNSUPPORTED = ['plugins', 'groups', 'acls', 'keyauth_credentials', 'basicauth_credentials', 'jwt_secrets', 'hmacauth_credentials', 'oauth2_credentials'];

/**
 * kong.yml's `consumers`, as Kong stores them: at least one of username and custom_id, each unique, and an id
 * (given, or derived from the name so it is the same on every start).
 */
export function declarativeConsumers(mappings: YamlMapping[]): ConsumerEntity[] {
  const loadedAt = Math.floor(Date.now() / 1000);
  const consumers: ConsumerEntity[] = [];
  for (const m of mappings) {
    m.allowOnly(CONSUMER_FIELDS, CONSUMER_UNSUPPORTED);
    const username = m.string('username') ?? null;
    const customId = m.string('custom_id') ?? null;
    if (username === null && customId === null) {
      m.fail('username', "at least one of these fields must be non-empty: 'custom_id', 'username'");
    }
    const id = m.string('id') ?? entityId('consumers', username ?? `custom_id:${customId}`);
    for (const other of consumers) {
      if (username !== null && other.username === username) m.fail('username', `consumer ${username} is declared twice`);
      if (customId !== null && other.custom_id === customId) m.fail('custom_id', `custom_id ${customId} is declared twice`);
      if (other.id === id) m.fail('id', `consumer ${id} is declared twice`);
    }
    consumers.push({ id, username, custom_id: customId, created_at: loadedAt, updated_at: loadedAt, tags: m.strings('tags') });
  }
  return consumers;
}
