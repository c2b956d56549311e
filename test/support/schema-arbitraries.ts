/**
 * fast-check arbitraries from the JSON Schemas of an OpenAPI document (the subset TypeBox writes: objects, strings
 * with lengths, patterns and formats, integers, booleans, arrays, enums, anyOf, nullable), and wrong values for
 * them. No library does this for fast-check 4 (json-schema-fast-check is a 0.0.x without formats), so the
 * generator is written here; requests are checked against the same schemas with ajv to know which are valid.
 */
import fc from 'fast-check';

export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  default?: unknown;
}

/** Realistic values by field name (ids of existing objects, the IdP's issuer...): they win over the schema. */
export type FieldValues = Record<string, fc.Arbitrary<unknown>>;

/** Mostly readable names, sometimes any unicode (combining marks, emoji, astral planes). */
const text = (min: number, max: number) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9 _-]{0,30}$/) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: Math.max(min, 1), maxLength: Math.min(max, 40) }) },
  ).filter((value) => value.length >= min && value.length <= max && /\S/.test(value));

function stringOf(schema: JsonSchema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 255;
  if (schema.format === 'uuid') return fc.uuid({ version: 4 });
  if (schema.format === 'email') return fc.stringMatching(/^[a-z][a-z0-9]{2,15}$/).map((local) => `${local}@example.com`);
  if (schema.format === 'uri') return fc.stringMatching(/^[a-z]{3,10}$/).map((host) => `https://${host}.example.com/callback`);
  if (schema.pattern && schema.pattern !== '\\S') {
    return fc.stringMatching(new RegExp(schema.pattern)).filter((value) => value.length >= min && value.length <= max);
  }
  return text(min, max);
}

/** Valid values of `schema`; `fields` replaces the values of the properties it names, at any depth. */
export function valueOf(schema: JsonSchema, fields: FieldValues = {}): fc.Arbitrary<unknown> {
  const plain = plainValueOf(schema, fields);
  return schema.nullable ? fc.oneof({ weight: 4, arbitrary: plain }, { weight: 1, arbitrary: fc.constant(null) }) : plain;
}

function plainValueOf(schema: JsonSchema, fields: FieldValues): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((option) => valueOf(option, fields)));
  switch (schema.type) {
    case 'string':
      return stringOf(schema);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? Math.max((schema.minimum ?? 0) + 1000, 1000) });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(valueOf(schema.items ?? {}, fields), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 4, 4) });
    case 'object':
      return objectOf(schema, fields);
    default:
      return fc.oneof(fc.string(), fc.integer(), fc.boolean());
  }
}

function objectOf(schema: JsonSchema, fields: FieldValues): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  if (Object.keys(properties).length === 0 && schema.additionalProperties) {
    const values = typeof schema.additionalProperties === 'object' ? valueOf(schema.additionalProperties, fields) : fc.string();
    return fc.dictionary(fc.stringMatching(/^[a-z_]{1,12}$/), values, { maxKeys: 3 });
  }
  const model = Object.fromEntries(
    Object.entries(properties).map(([name, property]) => [name, fields[name] ?? valueOf(property, fields)]),
  );
  const required = (schema.required ?? []).filter((name) => name in properties);
  // A field value of `undefined` (from `fields`) means "leave it out": drop it after generation.
  return fc
    .record(model, { requiredKeys: required })
    .map((record) => Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)));
}

/** Values `schema` refuses: another type, out of range, too long, not of its format, not one of its values. */
export function wrongValueOf(schema: JsonSchema): fc.Arbitrary<unknown> {
  const wrong: fc.Arbitrary<unknown>[] = [fc.constant([]), fc.constant({ nested: { deeper: true } })];
  if (!schema.nullable) wrong.push(fc.constant(null));
  if (schema.type === 'string' || schema.format || schema.enum || schema.anyOf) {
    wrong.push(fc.boolean(), fc.integer(), fc.constant(''));
    const max = schema.maxLength;
    if (max !== undefined) wrong.push(fc.constant('x'.repeat(max + 1)));
    if (schema.format || schema.enum || schema.anyOf || schema.pattern) {
      wrong.push(fc.constantFrom(' ', '../../etc/passwd', '%00', "' OR 1=1 --", 'ünïcödé', '\u0000'));
    }
  } else {
    wrong.push(fc.string({ minLength: 1, maxLength: 10 }).filter((value) => !/^\s*-?\d+(\.\d+)?\s*$/.test(value) && value !== 'true' && value !== 'false'));
  }
  if (schema.type === 'integer' || schema.type === 'number') {
    wrong.push(fc.constant(1.5));
    if (schema.minimum !== undefined) wrong.push(fc.constant(schema.minimum - 1));
    if (schema.maximum !== undefined) wrong.push(fc.constant(schema.maximum + 1));
    wrong.push(fc.constant(Number.MAX_SAFE_INTEGER * 1000));
  }
  if (schema.type === 'array' && schema.maxItems !== undefined) wrong.push(fc.constant(Array(schema.maxItems + 1).fill('x')));
  return fc.oneof(...wrong);
}
