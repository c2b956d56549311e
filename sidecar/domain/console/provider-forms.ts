import type { DriverRegistry } from '../../idp/registry';
import type { Actor } from '../../store/audit';
import type { DcrProviderService } from '../dcr-providers';
import { InvalidInput } from '../errors';
import { CONFIG_FIELD_PREFIX, type ProviderForm } from '../shapes/console';
import type { PresentedDcrProvider } from '../shapes/dcr-providers';

/** One field of a provider type's dcr_config, as its form shows it. */
export interface ConfigField {
  name: string;
  /** Write-only: an empty password field, never filled in; left empty on an edit, the stored value stays. */
  secret: boolean;
  required: boolean;
}

/** The console's DCR provider forms: each type's fields from its driver, and the form turned into the API's input. */
export function providerForms(providers: DcrProviderService, drivers: DriverRegistry) {
  const fieldsOf = (providerType: string): ConfigField[] => {
    const definition = drivers[providerType];
    if (!definition) throw InvalidInput.field('provider_type', `must be one of ${Object.keys(drivers).join(', ')}`);
    const required = new Set(definition.configSchema.required ?? []);
    return Object.keys(definition.configSchema.properties).map((name) => ({
      name,
      secret: definition.secretFields.includes(name),
      required: required.has(name),
    }));
  };
  /** The config fields the form filled in (an empty one is left out: for a secret, the stored value stays). */
  const configOf = (providerType: string, form: ProviderForm) =>
    Object.fromEntries(
      fieldsOf(providerType)
        .map((field) => [field.name, form[`${CONFIG_FIELD_PREFIX}${field.name}`] ?? ''] as const)
        .filter(([, value]) => value !== ''),
    );
  const common = (form: ProviderForm) => ({
    name: form.name,
    issuer: form.issuer,
    ...(form.display_name?.trim() && { display_name: form.display_name }),
  });

  return {
    types: () => Object.keys(drivers),
    fieldsOf,
    create: (providerType: string, form: ProviderForm, actor: Actor): Promise<PresentedDcrProvider> =>
      providers.create({ ...common(form), provider_type: providerType, dcr_config: configOf(providerType, form) }, actor),
    async update(id: string, form: ProviderForm, actor: Actor): Promise<PresentedDcrProvider> {
      const current = await providers.get(id);
      return providers.update(id, { ...common(form), dcr_config: configOf(current.provider_type, form) }, actor);
    },
  };
}

export type ProviderForms = ReturnType<typeof providerForms>;
