import type { Store } from '../store';
import type { Actor } from '../store/audit';
import type { AuthStrategy } from '../store/records';
import { InvalidInput, NotFound, orConflict } from './errors';
import { listPage } from './shapes/common';
import type { AuthStrategyInput, AuthStrategyListQuery, AuthStrategyPatch } from './shapes/auth-strategies';
import { checkIdpUrl } from './validation';

const nameTaken = (name: string | undefined) => ({ unique: `an auth strategy named ${name} already exists` });

const about = (id: string) => ({ resource_type: 'auth_strategy', resource_id: id });

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
    async create(input: AuthStrategyInput, actor: Actor): Promise<AuthStrategy> {
      checkIdpUrl('configs.openid-connect.issuer', input.configs['openid-connect'].issuer);
      const providerId = input.dcr_provider_id ?? null;
      if (providerId !== null && !(await store.providers.get(providerId))) {
        throw InvalidInput.field('dcr_provider_id', `DCR provider ${providerId} does not exist`);
      }
      return orConflict(
        () =>
          store.transaction(async (tx) => {
            const created = await tx.strategies.create({
              name: input.name,
              display_name: input.display_name,
              strategy_type: input.strategy_type,
              configs: input.configs,
              dcr_provider_id: providerId,
              auto_approve: input.auto_approve ?? false,
            });
            await tx.audit.record(actor, { ...about(created.id), action: 'auth_strategy.created', after: created });
            return created;
          }),
        nameTaken(input.name),
      );
    },
    async update(id: string, patch: AuthStrategyPatch, actor: Actor): Promise<AuthStrategy> {
      const current = await get(id);
      // Its applications' clients live at that provider: moving them is not an update.
      if (patch.dcr_provider_id !== undefined && patch.dcr_provider_id !== current.dcr_provider_id) {
        throw InvalidInput.field('dcr_provider_id', 'cannot change; create a new auth strategy instead');
      }
      if (patch.configs) checkIdpUrl('configs.openid-connect.issuer', patch.configs['openid-connect'].issuer);
      const { dcr_provider_id: _unchanged, ...changes } = patch;
      return orConflict(
        () =>
          store.transaction(async (tx) => {
            const updated = await tx.strategies.update(id, changes);
            if (!updated) throw new NotFound('auth strategy', id);
            await tx.audit.record(actor, { ...about(id), action: 'auth_strategy.updated', before: current, after: updated });
            return updated;
          }),
        nameTaken(patch.name),
      );
    },
    async delete(id: string, actor: Actor): Promise<void> {
      const current = await get(id);
      await orConflict(
        () =>
          store.transaction(async (tx) => {
            if (!(await tx.strategies.delete(id))) throw new NotFound('auth strategy', id);
            await tx.audit.record(actor, { ...about(id), action: 'auth_strategy.deleted', before: current });
          }),
        { foreign_key: `auth strategy ${id} is used by applications or published APIs` },
      );
    },
  };
}

export type AuthStrategyService = ReturnType<typeof authStrategyService>;
