import { isVaultReference, resolveEnvReference } from './env-vault';

/** A field of a Kong plugin schema as GetPluginInfo reports it. */
interface FieldSpec {
  type?: string;
  required?: boolean;
  default?: unknown;
  referenceable?: boolean;
  elements?: FieldSpec;
  fields?: SchemaFields;
  one_of?: unknown[];
  between?: [number, number];
  len_min?: number;
}

/** Kong's schema field list: an array of one-key maps `[{ issuer: { type: "string", ... } }, ...]`. */
export type SchemaFields = Array<Record<string, FieldSpec>>;

/** The `config` record's fields, out of GetPluginInfo's `Schema: {name, fields: [{config: {type: record, fields}}]}`. */
export function configFields(schema: unknown): SchemaFields {
  const fields = (schema as { fields?: SchemaFields } | undefined)?.fields ?? [];
  return fields.find((entry) => 'config' in entry)?.config?.fields ?? [];
}

const isMapping = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const TYPE_CHECKS: Record<string, [(value: unknown) => boolean, string]> = {
  string: [(value) => typeof value === 'string', 'expected a string'],
  integer: [(value) => Number.isInteger(value), 'expected an integer'],
  number: [(value) => typeof value === 'number' && Number.isFinite(value), 'expected a number'],
  boolean: [(value) => typeof value === 'boolean', 'expected a boolean'],
  array: [Array.isArray, 'expected an array'],
  set: [Array.isArray, 'expected a set'],
  map: [isMapping, 'expected a map'],
  record: [isMapping, 'expected a record'],
};

/**
 * Kong's field validation (kong/db/schema), with its messages: Kong refuses a declarative config whose plugin
 * field has the wrong type or is out of range, where the plugin would otherwise only fail on the first request.
 */
function checkValue(at: string, spec: FieldSpec, value: unknown): void {
  const [hasType, expected] = TYPE_CHECKS[spec.type ?? ''] ?? [() => true, ''];
  if (!hasType(value)) throw new Error(`${at}: ${expected}`);
  // Kong refuses empty strings unless a field allows them with len_min 0.
  const lenMin = spec.len_min ?? (spec.type === 'string' ? 1 : undefined);
  if (lenMin !== undefined && (value as string | unknown[]).length < lenMin) throw new Error(`${at}: length must be at least ${lenMin}`);
  if (spec.one_of && !spec.one_of.includes(value)) throw new Error(`${at}: expected one of: ${spec.one_of.join(', ')}`);
  if (spec.between && ((value as number) < spec.between[0] || (value as number) > spec.between[1])) {
    throw new Error(`${at}: value should be between ${spec.between[0]} and ${spec.between[1]}`);
  }
}

function resolveReference(at: string, spec: FieldSpec, reference: string, env: NodeJS.ProcessEnv): string {
  // Kong resolves references in referenceable fields only and would pass this one on literally.
  if (!spec.referenceable) throw new Error(`${at}: is not referenceable, so Kong would not resolve ${reference}`);
  try {
    return resolveEnvReference(reference, env);
  } catch (err) {
    throw new Error(`${at}: ${(err as Error).message}`);
  }
}

function resolveValue(at: string, spec: FieldSpec, value: unknown, env: NodeJS.ProcessEnv): unknown {
  const resolved = isVaultReference(value) ? resolveReference(at, spec, value, env) : value;
  checkValue(at, spec, resolved);
  if (Array.isArray(resolved) && spec.elements) return resolved.map((item, i) => resolveValue(`${at}[${i}]`, spec.elements!, item, env));
  if (spec.type === 'record' && spec.fields) return applySchema(at, spec.fields, resolved as Record<string, unknown>, env);
  return resolved;
}

/**
 * What Kong does to a plugin's config before any instance sees it: unknown fields refused, required fields
 * checked, defaults filled in, env vault references resolved, values checked against their field's type and
 * limits. Throws a message naming the field (`at` prefix).
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
