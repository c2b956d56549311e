import { isVaultReference, resolveEnvReference } from './env-vault';

/** A field of a Kong plugin schema as GetPluginInfo reports it. */
interface FieldSpec {
  type?: string;
  required?: boolean;
  default?: unknown;
  referenceable?: boolean;
  elements?: FieldSpec;
  fields?: SchemaFields;
}

/** Kong's schema field list: an array of one-key maps `[{ issuer: { type: "string", ... } }, ...]`. */
export type SchemaFields = Array<Record<string, FieldSpec>>;

/** The `config` record's fields, out of GetPluginInfo's `Schema: {name, fields: [{config: {type: record, fields}}]}`. */
export function configFields(schema: unknown): SchemaFields {
  const fields = (schema as { fields?: SchemaFields } | undefined)?.fields ?? [];
  return fields.find((entry) => 'config' in entry)?.config?.fields ?? [];
}

function resolveValue(at: string, spec: FieldSpec, value: unknown, env: NodeJS.ProcessEnv): unknown {
  if (isVaultReference(value)) {
    // Kong resolves references in referenceable fields only and would pass this one on literally.
    if (!spec.referenceable) throw new Error(`${at}: is not referenceable, so Kong would not resolve ${value}`);
    try {
      return resolveEnvReference(value, env);
    } catch (err) {
      throw new Error(`${at}: ${(err as Error).message}`);
    }
  }
  if (Array.isArray(value) && spec.elements) return value.map((item, i) => resolveValue(`${at}[${i}]`, spec.elements!, item, env));
  if (spec.type === 'record' && spec.fields && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return applySchema(at, spec.fields, value as Record<string, unknown>, env);
  }
  return value;
}

/**
 * What Kong does to a plugin's config before any instance sees it: unknown fields refused, required fields
 * checked, defaults filled in, env vault references resolved. Throws a message naming the field (`at` prefix).
 */
export function applySchema(at: string, fields: SchemaFields, config: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const specs = new Map(fields.map((entry) => Object.entries(entry)[0] as [string, FieldSpec]));
  const unknown = Object.keys(config).find((field) => !specs.has(field));
  if (unknown !== undefined) throw new Error(`${at}.${unknown}: unknown field`);
  const result: Record<string, unknown> = {};
  for (const [field, spec] of specs) {
    const value = config[field] ?? undefined;
    if (value === undefined) {
      if (spec.default !== undefined) result[field] = structuredClone(spec.default);
      else if (spec.required) throw new Error(`${at}.${field}: required field missing`);
      continue;
    }
    result[field] = resolveValue(`${at}.${field}`, spec, value, env);
  }
  return result;
}
