/**
 * Kong's schema language for a plugin's config (kong/db/schema/init.lua): one set of rules, used by okta-auth to
 * check the config an instance starts with and by the dev gateway to refuse a kong.yml as Kong would. A field is
 * `{ type, required, default, elements, fields, one_of, between, len_min, referenceable }`; a schema is an array
 * of one-key maps, as kong-pdk's GetPluginInfo reports it.
 */
export interface FieldSpec {
  type?: string;
  required?: boolean;
  default?: unknown;
  referenceable?: boolean;
  elements?: FieldSpec;
  fields?: SchemaFields;
  one_of?: readonly unknown[];
  between?: readonly [number, number];
  len_min?: number;
  description?: string;
}

export type SchemaFields = ReadonlyArray<Readonly<Record<string, FieldSpec>>>;

/** Which rule a value broke. */
export type SchemaProblem =
  | { rule: 'type'; type: string }
  | { rule: 'len_min'; min: number }
  | { rule: 'one_of'; values: readonly unknown[] }
  | { rule: 'between'; range: readonly [number, number] }
  | { rule: 'required' }
  | { rule: 'unknown' };

/** A config value Kong's schema refuses; `path` is relative to the record checked (`auth_methods[1]`, `a.b`). */
export class SchemaViolation extends Error {
  override readonly name = 'SchemaViolation';

  constructor(
    readonly path: string,
    readonly problem: SchemaProblem,
  ) {
    super(`${path}: ${kongWording(problem)}`);
  }
}

const article = (word: string): string => (/^[aeiou]/.test(word) ? 'an' : 'a');

/** Kong's own messages, as Kong prints them when it refuses a declarative file. */
export function kongWording(problem: SchemaProblem): string {
  switch (problem.rule) {
    case 'type':
      return `expected ${article(problem.type)} ${problem.type}`;
    case 'len_min':
      return `length must be at least ${problem.min}`;
    case 'one_of':
      return `expected one of: ${problem.values.join(', ')}`;
    case 'between':
      return `value should be between ${problem.range[0]} and ${problem.range[1]}`;
    case 'required':
      return 'required field missing';
    case 'unknown':
      return 'unknown field';
  }
}

/** The same problems in plain words, for a plugin's own start-up log. */
export function plainWording(problem: SchemaProblem): string {
  switch (problem.rule) {
    case 'type':
      return problem.type === 'string' ? 'must be a non-empty string' : `must be ${article(problem.type)} ${problem.type}`;
    case 'len_min':
      return problem.min === 1 ? 'must not be empty' : `must have at least ${problem.min} items`;
    case 'one_of':
      return `must be one of ${problem.values.join(', ')}`;
    case 'between':
      return `must be between ${problem.range[0]} and ${problem.range[1]}`;
    case 'required':
      return 'is required';
    case 'unknown':
      return 'is not a field of the schema';
  }
}

const isMapping = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const HAS_TYPE: Record<string, (value: unknown) => boolean> = {
  string: (value) => typeof value === 'string',
  integer: (value) => Number.isInteger(value),
  number: (value) => typeof value === 'number' && Number.isFinite(value),
  boolean: (value) => typeof value === 'boolean',
  array: Array.isArray,
  set: Array.isArray,
  map: isMapping,
  record: isMapping,
};

export interface SchemaOptions {
  /**
   * Kong refuses unknown fields in kong.yml, but adds its own keys (route_id, __plugin_id, ...) to the config it
   * hands a plugin instance: the plugin ignores them.
   */
  unknownFields: 'refuse' | 'ignore';
  /** Called on every given value before it is checked (the dev gateway resolves env vault references here). */
  resolve?: (path: string, spec: FieldSpec, value: unknown) => unknown;
}

function checkValue(path: string, spec: FieldSpec, value: unknown): void {
  const type = spec.type ?? '';
  if (HAS_TYPE[type] && !HAS_TYPE[type](value)) throw new SchemaViolation(path, { rule: 'type', type });
  // Kong refuses empty strings unless a field allows them with len_min 0.
  const lenMin = spec.len_min ?? (type === 'string' ? 1 : undefined);
  if (lenMin !== undefined && (value as string | unknown[]).length < lenMin) throw new SchemaViolation(path, { rule: 'len_min', min: lenMin });
  if (spec.one_of && !spec.one_of.includes(value)) throw new SchemaViolation(path, { rule: 'one_of', values: spec.one_of });
  if (spec.between && ((value as number) < spec.between[0] || (value as number) > spec.between[1])) {
    throw new SchemaViolation(path, { rule: 'between', range: spec.between });
  }
}

function checkedValue(path: string, spec: FieldSpec, given: unknown, options: SchemaOptions): unknown {
  const value = options.resolve ? options.resolve(path, spec, given) : given;
  checkValue(path, spec, value);
  if (Array.isArray(value) && spec.elements) return value.map((item, i) => checkedValue(`${path}[${i}]`, spec.elements!, item, options));
  if (spec.type === 'record' && spec.fields) return checkRecord(`${path}.`, spec.fields, value as Record<string, unknown>, options);
  return value;
}

function checkRecord(prefix: string, fields: SchemaFields, config: Record<string, unknown>, options: SchemaOptions): Record<string, unknown> {
  const specs = new Map(fields.map((entry) => Object.entries(entry)[0] as [string, FieldSpec]));
  const unknown = Object.keys(config).find((field) => !specs.has(field));
  if (unknown !== undefined && options.unknownFields === 'refuse') throw new SchemaViolation(`${prefix}${unknown}`, { rule: 'unknown' });
  const result: Record<string, unknown> = {};
  for (const [field, spec] of specs) {
    // Kong sends an unset optional field as null (JSON) or leaves it out.
    const value = config[field] ?? undefined;
    if (value === undefined) {
      if (spec.default !== undefined) result[field] = structuredClone(spec.default);
      else if (spec.required) throw new SchemaViolation(`${prefix}${field}`, { rule: 'required' });
      continue;
    }
    result[field] = checkedValue(`${prefix}${field}`, spec, value, options);
  }
  return result;
}

/**
 * What Kong does to a plugin's config before any instance sees it: required fields checked, defaults filled in,
 * values checked against their field's type and limits (records recursively). Throws SchemaViolation.
 */
export function applySchema(fields: SchemaFields, config: Record<string, unknown>, options: SchemaOptions): Record<string, unknown> {
  return checkRecord('', fields, config, options);
}
