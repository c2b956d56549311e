import type { DriverOptions, DriverDefinition } from '../idp/types';
import type { DriverRegistry } from '../idp/registry';
import type { Store } from '../store';
import { StoreConstraintError } from '../store/errors';
import type { DcrProvider, PageRequest } from '../store/records';
import { badRequest, conflict, notFound } from './errors';
import { checkIdpUrl, checkSchema } from './validation';

export interface DcrProviderInput {
  name: string;
  display_name?: string;
  provider_type: string;
  issuer: string;
  dcr_config: Record<string, unknown>;
  labels?: Record<string, string>;
}

export type DcrProviderPatch = Partial<DcrProviderInput>;

/** A provider as the API shows it: dcr_config without its secrets. */
export function presentProvider(provider: DcrProvider) {
  const { dcr_secrets: _secrets, ...visible } = provider;
  return visible;
}

/** Splits a checked dcr_config into what may be shown and what is kept encrypted. */
function splitConfig(definition: DriverDefinition, config: Record<string, unknown>) {
  const dcr_config: Record<string, unknown> = {};
  const dcr_secrets: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (definition.secretFields.includes(key)) dcr_secrets[key] = String(value);
    else dcr_config[key] = value;
  }
  return { dcr_config, dcr_secrets };
}

function checkConfig(definition: DriverDefinition, config: Record<string, unknown>): void {
  checkSchema('dcr_config', definition.configSchema, config);
  for (const field of definition.urlFields) checkIdpUrl(`dcr_config.${field}`, String(config[field]));
}

const nameTaken = (name: string) => conflict(`a DCR provider named ${name} already exists`);

export function dcrProviderService(store: Store, drivers: DriverRegistry, driverOptions: DriverOptions) {
  const definitionOf = (providerType: string) => {
    const definition = drivers[providerType];
    if (!definition) throw badRequest('provider_type', `must be one of ${Object.keys(drivers).join(', ')}`);
    return definition;
  };
  const get = async (id: string) => {
    const provider = await store.providers.get(id);
    if (!provider) throw notFound('DCR provider', id);
    return provider;
  };
  /** The driver of a stored provider, ready to call the IdP. */
  const driverFor = (provider: DcrProvider) => definitionOf(provider.provider_type).create(provider, driverOptions);

  return {
    get,
    list: (page: PageRequest, filter: { name?: string }) => store.providers.list(page, filter),
    driverFor,
    async create(input: DcrProviderInput): Promise<DcrProvider> {
      const definition = definitionOf(input.provider_type);
      checkIdpUrl('issuer', input.issuer);
      checkConfig(definition, input.dcr_config);
      try {
        return await store.providers.create({
          name: input.name,
          display_name: input.display_name ?? null,
          provider_type: input.provider_type,
          issuer: input.issuer,
          labels: input.labels ?? {},
          ...splitConfig(definition, input.dcr_config),
        });
      } catch (error) {
        if (error instanceof StoreConstraintError && error.violation === 'unique') throw nameTaken(input.name);
        throw error;
      }
    },
    /** Secrets left out of a patched dcr_config are kept: responses never show them, so clients cannot echo them. */
    async update(id: string, patch: DcrProviderPatch): Promise<DcrProvider> {
      const current = await get(id);
      if (patch.provider_type !== undefined && patch.provider_type !== current.provider_type) {
        throw badRequest('provider_type', 'cannot change; create a new provider instead');
      }
      if (patch.issuer !== undefined) checkIdpUrl('issuer', patch.issuer);
      const definition = definitionOf(current.provider_type);
      // Clients live at the IdP they were registered with: pointed elsewhere, their deletes would find nothing there
      // and count them as gone, orphaning them where reconcile no longer looks.
      const movesIdp =
        (patch.issuer !== undefined && patch.issuer !== current.issuer) ||
        definition.urlFields.some((field) => patch.dcr_config?.[field] !== undefined && patch.dcr_config[field] !== current.dcr_config[field]);
      if (movesIdp && (await store.applications.existForProvider(id))) {
        throw conflict(`DCR provider ${id} has applications registered at its current IdP; create a new provider instead`);
      }
      let config = {};
      if (patch.dcr_config !== undefined) {
        const merged = { ...current.dcr_config, ...current.dcr_secrets, ...patch.dcr_config };
        checkConfig(definition, merged);
        config = splitConfig(definition, merged);
      }
      try {
        const updated = await store.providers.update(id, {
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.display_name !== undefined && { display_name: patch.display_name }),
          ...(patch.issuer !== undefined && { issuer: patch.issuer }),
          ...(patch.labels !== undefined && { labels: patch.labels }),
          ...config,
        });
        if (!updated) throw notFound('DCR provider', id);
        return updated;
      } catch (error) {
        if (error instanceof StoreConstraintError && error.violation === 'unique') throw nameTaken(String(patch.name));
        throw error;
      }
    },
    async delete(id: string): Promise<void> {
      try {
        if (!(await store.providers.delete(id))) throw notFound('DCR provider', id);
      } catch (error) {
        if (error instanceof StoreConstraintError) throw conflict(`DCR provider ${id} is used by an auth strategy`);
        throw error;
      }
    },
    /** Calls the IdP with the stored configuration. */
    async verify(id: string): Promise<{ status: 'success' | 'failed'; errors: string[] }> {
      const errors = await driverFor(await get(id)).verify();
      return { status: errors.length === 0 ? 'success' : 'failed', errors };
    },
  };
}

export type DcrProviderService = ReturnType<typeof dcrProviderService>;
