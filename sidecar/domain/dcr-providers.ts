import type { DriverOptions, DriverDefinition } from '../idp/types';
import type { DriverRegistry } from '../idp/registry';
import type { Store } from '../store';
import type { Actor } from '../store/audit';
import type { DcrProvider } from '../store/records';
import { Conflict, InvalidInput, NotFound, orConflict } from './errors';
import { listPage } from './shapes/common';
import type { DcrProviderInput, DcrProviderListQuery, DcrProviderPatch, PresentedDcrProvider, Verification } from './shapes/dcr-providers';
import { checkIdpUrl, checkSchema } from './validation';

/** A provider as the API shows it: dcr_config without its secrets. */
function presentProvider(provider: DcrProvider): PresentedDcrProvider {
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

/** The audit fields of a change to a provider; before and after are presented (no dcr_token, no secret). */
const about = (id: string) => ({ resource_type: 'dcr_provider', resource_id: id });

const nameTaken = (name: string | undefined) => ({ unique: `a DCR provider named ${name} already exists` });

export function dcrProviderService(store: Store, drivers: DriverRegistry, driverOptions: DriverOptions) {
  const definitionOf = (providerType: string) => {
    const definition = drivers[providerType];
    if (!definition) throw InvalidInput.field('provider_type', `must be one of ${Object.keys(drivers).join(', ')}`);
    return definition;
  };
  /** The stored provider, secrets and all (for the domain only). */
  const load = async (id: string) => {
    const provider = await store.providers.get(id);
    if (!provider) throw new NotFound('DCR provider', id);
    return provider;
  };
  /** The driver of a stored provider, ready to call the IdP. */
  const driverFor = (provider: DcrProvider) => definitionOf(provider.provider_type).create(provider, driverOptions);

  return {
    get: async (id: string) => presentProvider(await load(id)),
    list: (query: DcrProviderListQuery) =>
      listPage(query, (page) => store.providers.list(page, { name: query['filter[name]'] }), presentProvider),
    driverFor,
    /** The driver of the provider with this id. */
    driverOf: async (id: string) => driverFor(await load(id)),
    async create(input: DcrProviderInput, actor: Actor): Promise<PresentedDcrProvider> {
      const definition = definitionOf(input.provider_type);
      checkIdpUrl('issuer', input.issuer);
      checkConfig(definition, input.dcr_config);
      return orConflict(
        () =>
          store.transaction(async (tx) => {
            const created = presentProvider(
              await tx.providers.create({
                name: input.name,
                display_name: input.display_name ?? null,
                provider_type: input.provider_type,
                issuer: input.issuer,
                labels: input.labels ?? {},
                ...splitConfig(definition, input.dcr_config),
              }),
            );
            await tx.audit.record(actor, { ...about(created.id), action: 'dcr_provider.created', after: created });
            return created;
          }),
        nameTaken(input.name),
      );
    },
    /** Secrets left out of a patched dcr_config are kept: responses never show them, so clients cannot echo them. */
    async update(id: string, patch: DcrProviderPatch, actor: Actor): Promise<PresentedDcrProvider> {
      const current = await load(id);
      if (patch.provider_type !== undefined && patch.provider_type !== current.provider_type) {
        throw InvalidInput.field('provider_type', 'cannot change; create a new provider instead');
      }
      if (patch.issuer !== undefined) checkIdpUrl('issuer', patch.issuer);
      const definition = definitionOf(current.provider_type);
      // Clients live at the IdP they were registered with: pointed elsewhere, their deletes would find nothing there
      // and count them as gone, orphaning them where reconcile no longer looks.
      const movesIdp =
        (patch.issuer !== undefined && patch.issuer !== current.issuer) ||
        definition.urlFields.some((field) => patch.dcr_config?.[field] !== undefined && patch.dcr_config[field] !== current.dcr_config[field]);
      if (movesIdp && (await store.applications.existForProvider(id))) {
        throw new Conflict(`DCR provider ${id} has applications registered at its current IdP; create a new provider instead`);
      }
      let config = {};
      if (patch.dcr_config !== undefined) {
        const merged = { ...current.dcr_config, ...current.dcr_secrets, ...patch.dcr_config };
        checkConfig(definition, merged);
        config = splitConfig(definition, merged);
      }
      const changes = {
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.display_name !== undefined && { display_name: patch.display_name }),
        ...(patch.issuer !== undefined && { issuer: patch.issuer }),
        ...(patch.labels !== undefined && { labels: patch.labels }),
        ...config,
      };
      return orConflict(
        () =>
          store.transaction(async (tx) => {
            const updated = await tx.providers.update(id, changes);
            if (!updated) throw new NotFound('DCR provider', id);
            const after = presentProvider(updated);
            await tx.audit.record(actor, { ...about(id), action: 'dcr_provider.updated', before: presentProvider(current), after });
            return after;
          }),
        nameTaken(patch.name),
      );
    },
    async delete(id: string, actor: Actor): Promise<void> {
      const current = await load(id);
      const deleted = await orConflict(
        () =>
          store.transaction(async (tx) => {
            const gone = await tx.providers.delete(id);
            if (gone) await tx.audit.record(actor, { ...about(id), action: 'dcr_provider.deleted', before: presentProvider(current) });
            return gone;
          }),
        { foreign_key: `DCR provider ${id} is used by an auth strategy` },
      );
      if (!deleted) throw new NotFound('DCR provider', id);
    },
    /** Calls the IdP with the stored configuration. */
    async verify(id: string): Promise<Verification> {
      const errors = await driverFor(await load(id)).verify();
      return { status: errors.length === 0 ? 'success' : 'failed', errors };
    },
  };
}

export type DcrProviderService = ReturnType<typeof dcrProviderService>;
