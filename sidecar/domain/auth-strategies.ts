import type { Store } from '../store';
import type { AuthStrategy } from '../store/records';
import { InvalidInput, NotFound, orConflict } from './errors';
import { listPage } from './shapes/common';
import type { AuthStrategyInput, AuthStrategyListQuery, AuthStrategyPatch } from './shapes/auth-strategies';
import { checkIdpUrl } from './validation';

const nameTaken = (name: string | undefined) => ({ unique: `an auth strategy named ${name} already exists` });

export function authStrategyService(store: Store) {
  const get = async (id: string) => {
    const strategy = await store.strategies.get(id);
    if (!strategy) throw new NotFound('auth strategy', id);
    return strategy;
  };

  return {
    get,
    list: (query: AuthStrategyListQuery) =>
      listPage(query, (page) => store.strategies.list(page, { name: query['filter[name]'] }), (s) => s),
    async create(input: AuthStrategyInput): Promise<AuthStrategy> {
      checkIdpUrl('configs.openid-connect.issuer', input.configs['openid-connect'].issuer);
      const providerId = input.dcr_provider_id ?? null;
      if (providerId !== null && !(await store.providers.get(providerId))) {
        throw InvalidInput.field('dcr_provider_id', `DCR provider ${providerId} does not exist`);
      }
      return orConflict(
        () =>
          store.strategies.create({
            name: input.name,
            display_name: input.display_name,
            strategy_type: input.strategy_type,
            configs: input.configs,
            dcr_provider_id: providerId,
            auto_approve: input.auto_approve ?? false,
          }),
        nameTaken(input.name),
      );
    },
    async update(id: string, patch: AuthStrategyPatch): Promise<AuthStrategy> {
      const current = await get(id);
      // Its applications' clients live at that provider: moving them is not an update.
      if (patch.dcr_provider_id !== undefined && patch.dcr_provider_id !== current.dcr_provider_id) {
        throw InvalidInput.field('dcr_provider_id', 'cannot change; create a new auth strategy instead');
      }
      if (patch.configs) checkIdpUrl('configs.openid-connect.issuer', patch.configs['openid-connect'].issuer);
      const { dcr_provider_id: _unchanged, ...changes } = patch;
      const updated = await orConflict(() => store.strategies.update(id, changes), nameTaken(patch.name));
      if (!updated) throw new NotFound('auth strategy', id);
      return updated;
    },
    async delete(id: string): Promise<void> {
      const deleted = await orConflict(() => store.strategies.delete(id), { foreign_key: `auth strategy ${id} is used by applications or published APIs` });
      if (!deleted) throw new NotFound('auth strategy', id);
    },
  };
}

export type AuthStrategyService = ReturnType<typeof authStrategyService>;
