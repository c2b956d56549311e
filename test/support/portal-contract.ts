/**
 * The Portal API v2 contract: the `openapi.yaml` that @kong/sdk-portal-js 2.16 ships, its operations, and an ajv
 * check that a response is one the contract allows for that operation and status.
 */
import fs from 'node:fs';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

type Schema = Record<string, unknown>;

interface Response {
  $ref?: string;
  content?: Record<string, { schema?: Schema }>;
}

interface ContractDocument {
  paths: Record<string, Record<string, { responses?: Record<string, Response> }>>;
  components: { schemas: Record<string, Schema>; responses: Record<string, Response> };
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch']);

/** OpenAPI 3.0 `nullable: true` as JSON Schema (ajv takes `nullable` only beside a `type`). */
function toJsonSchema(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toJsonSchema);
  if (value === null || typeof value !== 'object') return value;
  const { nullable, discriminator: _discriminator, ...rest } = value as Schema;
  const converted = Object.fromEntries(Object.entries(rest).map(([key, item]) => [key, toJsonSchema(item)]));
  return nullable === true ? { anyOf: [converted, { type: 'null' }] } : converted;
}

export interface PortalContract {
  /** Every operation: `GET /api/v2/products/{productId}`. */
  operations: { method: string; template: string }[];
  /** The operation template a request path is (a literal segment wins over a parameter): undefined if none. */
  templateOf(method: string, path: string): string | undefined;
  /** The problems of the contract's check of this response ([] when it conforms). */
  problemsOf(method: string, template: string, response: { statusCode: number; headers: Record<string, unknown>; body: string }): string[];
}

export function loadPortalContract(): PortalContract {
  const file = require.resolve('@kong/sdk-portal-js/openapi.yaml');
  const document = parse(fs.readFileSync(file, 'utf8')) as ContractDocument;
  const schemas = toJsonSchema(document.components.schemas) as Record<string, Schema>;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('binary', true);
  ajv.addSchema({ $id: 'contract', components: { schemas } });
  const validators = new Map<string, ValidateFunction>();
  const validatorOf = (schema: Schema) => {
    const key = JSON.stringify(schema);
    let validate = validators.get(key);
    if (!validate) {
      const rooted = JSON.parse(key.replace(/"#\/components\//g, '"contract#/components/')) as Schema;
      validate = ajv.compile(rooted);
      validators.set(key, validate);
    }
    return validate;
  };
  const resolve = (response: Response): Response =>
    response.$ref ? (document.components.responses[response.$ref.replace('#/components/responses/', '')] as Response) : response;

  const operations = Object.entries(document.paths).flatMap(([template, item]) =>
      Object.keys(item)
        .filter((method) => METHODS.has(method))
        .map((method) => ({ method: method.toUpperCase(), template })),
    );
  const parameterCount = (template: string) => (template.match(/\{/g) ?? []).length;
  const matchers = operations
    .map((o) => ({ ...o, pattern: new RegExp(`^${o.template.replace(/\{[^}]+\}/g, '[^/]+')}$`) }))
    .sort((a, b) => parameterCount(a.template) - parameterCount(b.template));

  return {
    operations,
    templateOf: (method, path) => matchers.find((m) => m.method === method.toUpperCase() && m.pattern.test(path.split('?')[0] as string))?.template,
    problemsOf(method, template, { statusCode, headers, body }) {
      const operation = document.paths[template]?.[method.toLowerCase()];
      if (!operation) return [`the contract has no ${method} ${template}`];
      const declared = operation.responses?.[String(statusCode)];
      if (!declared) return [`the contract has no ${statusCode} for ${method} ${template}`];
      const content = resolve(declared).content;
      if (!content) return body === '' ? [] : [`${statusCode} of ${method} ${template} has no body in the contract, got ${body}`];
      const type = String(headers['content-type'] ?? '').split(';')[0] as string;
      if (!(type in content)) return [`${statusCode} of ${method} ${template} is not ${type} in the contract (${Object.keys(content).join(', ')})`];
      const schema = toJsonSchema(content[type]?.schema) as Schema | undefined;
      // Some errors (POST /api/v2/stats 401) are given by examples only: any problem body will do.
      if (!schema) return [];
      const validate = validatorOf(schema);
      return validate(JSON.parse(body)) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
    },
  };
}
