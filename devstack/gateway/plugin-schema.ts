import { applySchema as applyKongSchema, kongWording, SchemaViolation, type FieldSpec, type SchemaFields } from '../../plugins/kong-schema';
import { isVaultReference, resolveEnvReference } from './env-vault';

export type { SchemaFields } from '../../plugins/kong-schema';

/** The `config` record's fields, out of GetPluginInfo's `Schema: {name, fields: [{config: {type: record, fields}}]}`. */
export function configFields(schema: unknown): SchemaFields {
  const fields = (schema as { fields?: SchemaFields } | undefined)?.fields ?? [];
  return fields.find((entry) => 'config' in entry)?.config?.fields ?? [];
}

function resolveReference(at: string, spec: FieldSpec, value: unknown, env: NodeJS.ProcessEnv): unknown {
  if (!isVaultReference(value)) return value;
  // Kong resolves references in referenceable fields only and would pass this one on literally.
  if (!spec.referenceable) throw new Error(`${at}: is not referenceable, so Kong would not resolve ${value}`);
  try {
    return resolveEnvReference(value, env);
  } catch (err) {
    throw new Error(`${at}: ${(err as Error).message}`);
  }
}

/**
 * What Kong does to a plugin's config from kong.yml before any instance sees it (Kong's schema rules, shared with
 * the plugin: ../../plugins/kong-schema), with env vault references resolved in referenceable fields. Kong refuses
 * the file where the plugin would otherwise only fail on the first request. Throws a message naming the field.
 */
export function applySchema(at: string, fields: SchemaFields, config: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, unknown> {
  try {
    return applyKongSchema(fields, config, {
      unknownFields: 'refuse',
      resolve: (path, spec, value) => resolveReference(`${at}.${path}`, spec, value, env),
    });
  } catch (err) {
    if (err instanceof SchemaViolation) throw new Error(`${at}.${err.path}: ${kongWording(err.problem)}`);
    throw err;
  }
}
