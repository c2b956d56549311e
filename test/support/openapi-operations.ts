/**
 * The operations of an OpenAPI document (`/docs/json`) with the schema of each request part, and ajv validators
 * that say whether a request is one the document allows. Path, query and header values arrive as text, so they
 * are coerced as the server coerces them; a body is JSON and is checked as sent.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { JsonSchema } from './schema-arbitraries';

export type Part = 'path' | 'query' | 'header';

interface Parameter {
  in: Part | 'cookie';
  name: string;
  required?: boolean;
  schema: JsonSchema;
}

interface RawOperation {
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}

export interface Operation {
  /** `POST /v2/applications/{id}/registrations` */
  name: string;
  method: string;
  template: string;
  /** The token kinds it accepts (admin, developer, gateway); empty: no token. */
  roles: string[];
  parts: Record<Part, JsonSchema>;
  body?: JsonSchema;
  /** Whether the path, query, header and body values are ones the document allows. */
  allows(request: { path: Record<string, string>; query: Record<string, string>; header: Record<string, string>; body?: unknown }): boolean;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, RawOperation>>;
}

const withFormats = (ajv: Ajv) => {
  addFormats(ajv);
  return ajv;
};

export function operationsOf(document: OpenApiDocument): Operation[] {
  // The server's own settings (fastify's defaults): text coerced to the declared type, defaults filled in.
  const text = withFormats(new Ajv({ coerceTypes: 'array', useDefaults: true, strict: false, allErrors: false }));
  const json = withFormats(new Ajv({ strict: false, allErrors: false }));
  return Object.entries(document.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, raw]) => {
      const parts = Object.fromEntries(
        (['path', 'query', 'header'] as Part[]).map((part) => {
          const parameters = (raw.parameters ?? []).filter((parameter) => parameter.in === part);
          const schema: JsonSchema = {
            type: 'object',
            properties: Object.fromEntries(parameters.map((parameter) => [parameter.name, parameter.schema])),
            required: parameters.filter((parameter) => parameter.required).map((parameter) => parameter.name),
          };
          return [part, schema];
        }),
      ) as Record<Part, JsonSchema>;
      const body = raw.requestBody?.content['application/json']?.schema;
      const checks: [Part | 'body', ValidateFunction][] = [
        ...(Object.entries(parts) as [Part, JsonSchema][]).map(([part, schema]) => [part, text.compile(schema)] as [Part, ValidateFunction]),
        ...(body ? [['body', json.compile(body)] as ['body', ValidateFunction]] : []),
      ];
      return {
        name: `${method.toUpperCase()} ${template}`,
        method: method.toUpperCase(),
        template,
        roles: (raw.security ?? []).flatMap((requirement) => Object.keys(requirement)),
        parts,
        ...(body && { body }),
        allows(request) {
          if (body && request.body === undefined) return false;
          // Coercion rewrites its input: check copies.
          return checks.every(([part, check]) => check(structuredClone(request[part])));
        },
      } satisfies Operation;
    }),
  );
}
