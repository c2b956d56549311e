import type { Store } from '../store';
import { StoreConstraintError } from '../store/errors';
import type { AuthStrategy, PageRequest } from '../store/records';
import { badRequest, conflict, notFound } from './errors';
import { checkIdpUrl } from './validation';

export interface OpenIdConnectConfig {
  issuer: string;
  credential_claim?: string[];
  scopes?: string[];
  auth_methods?: string[];
}

export interface AuthStrategyInput {
  name: string;
  display_name: string;
  strategy_type: 'openid_connect';
  configs: { 'openid-connect': OpenIdConnectConfig };
  /** Unset: applications bring the client ID of an existing IdP client (self-managed). */
  dcr_provider_id?: string | null;
  /** Registrations of this strategy's applications are approved at once. */
  auto_approve?: boolean;
}

export type AuthStrategyPatch = Partial<AuthStrategyInput>;

const nameTaken = (name: string) => conflict(`an auth strategy named ${name} already exists`);

function uniqueName<T>(name: string | undefined, write: () => Promise<T>): Promise<T> {
  return write().catch((error: unknown) => {
    if (error instanceof StoreConstraintError && error.violation === 'unique') throw nameTaken(String(name));
    throw error;
  });
}

export function authStrategyService(store: Store) {
  const get = async (id: string) => {
    const strategy = await store.strategies.get(id);
    if (!strategy) throw notFound('auth strategy', id);
    return strategy;
  };

  return {
    get,
    list: (page: PageRequest, filter: { name?: string }) => store.strategies.list(page, filter),
    async create(input: AuthStrategyInput): Promise<AuthStrategy> {
      checkIdpUrl('configs.openid-connect.issuer', input.configs['openid-connect'].issuer);
      const providerId = input.dcr_provider_id ?? null;
      if (providerId !== null && !(await store.providers.get(providerId))) {
        throw badRequest('dcr_provider_id', `DCR provider ${providerId} does not exist`);
      }
      return uniqueName(input.name, () =>
        store.strategies.create({
          name: input.name,
          display_name: input.display_name,
          strategy_type: input.strategy_type,
          configs: input.configs,
          dcr_provider_id: providerId,
          auto_approve: input.auto_approve ?? false,
        }),
      );
    },
    async update(id: string, patch: AuthStrategyPatch): Promise<AuthStrategy> {
      const current = await get(id);
      // Its applications' clients live at that provider: moving them is not an update.
      if (patch.dcr_provider_id !== undefined && patch.dcr_provider_id !== current.dcr_provider_id) {
        throw badRequest('dcr_provider_id', 'cannot change; create a new auth strategy instead');
      }
      if (patch.configs) checkIdpUrl('configs.openid-connect.issuer', patch.configs['openid-connect'].issuer);
      const { dcr_provider_id: _unchanged, ...changes } = patch;
      const updated = await uniqueName(patch.name, () => store.strategies.update(id, changes));
      if (!updated) throw notFound('auth strategy', id);
      return updated;
    },
    async delete(id: string): Promise<void> {
      try {
        if (!(await store.strategies.delete(id))) throw notFound('auth strategy', id);
      } catch (error) {
        if (error instanceof StoreConstraintError) throw conflict(`auth strategy ${id} is used by applications`);
        throw error;
      }
    },
  };
}

export type AuthStrategyService = ReturnType<typeof authStrategyService>;
