import { parse } from 'yaml';
import type { ApiReference, ReferenceOperation, ReferenceParameter, ReferenceResponse } from './shapes/api-pages';

/**
 * Reads an OpenAPI document (3.x or Swagger 2, JSON or YAML) into the plain strings of its reference page. Only
 * local `$ref`s of parameters are followed (`#/components/parameters/...`, `#/parameters/...`): a document's own
 * shared parameters; nothing is ever fetched.
 */

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

type Node = Record<string, unknown>;

const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : null);
const nodes = (value: unknown): Node[] => (Array.isArray(value) ? value.filter(isNode) : []);

/** The node a local JSON pointer (`#/a/b`) names in the document, if any. */
function resolve(document: Node, node: Node): Node | undefined {
  const ref = node.$ref;
  if (typeof ref !== 'string') return node;
  if (!ref.startsWith('#/')) return undefined;
  let target: unknown = document;
  for (const part of ref.slice(2).split('/')) {
    target = isNode(target) ? target[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  }
  return isNode(target) ? target : undefined;
}

/** `string`, `array of integer`: the schema's type as a reader says it. */
function typeOf(schema: unknown): string | null {
  if (!isNode(schema)) return null;
  if (schema.type === 'array') {
    const items = typeOf(schema.items);
    return items ? `array of ${items}` : 'array';
  }
  return text(schema.type);
}

function parameterOf(document: Node, node: Node): ReferenceParameter | undefined {
  const parameter = resolve(document, node);
  const name = text(parameter?.name);
  if (!parameter || !name) return undefined;
  return {
    name,
    in: text(parameter.in) ?? 'query',
    required: parameter.required === true,
    // Swagger 2 puts the type on the parameter itself, OpenAPI 3 in its schema.
    type: typeOf(parameter.schema) ?? typeOf(parameter),
    description: text(parameter.description),
  };
}

/** An operation's parameters: the path item's, each replaced by the operation's of the same name and place. */
function parametersOf(document: Node, shared: unknown, own: unknown): ReferenceParameter[] {
  const read = (list: unknown) => nodes(list).flatMap((node) => parameterOf(document, node) ?? []);
  const overriding = read(own);
  const overridden = (p: ReferenceParameter) => overriding.some((o) => o.name === p.name && o.in === p.in);
  return [...read(shared).filter((p) => !overridden(p)), ...overriding];
}

function responsesOf(responses: unknown): ReferenceResponse[] {
  if (!isNode(responses)) return [];
  return Object.entries(responses).map(([status, response]) => ({ status, description: isNode(response) ? text(response.description) : null }));
}

function operationsOf(document: Node): ReferenceOperation[] {
  const paths = isNode(document.paths) ? document.paths : {};
  return Object.entries(paths).flatMap(([path, item]) => {
    if (!isNode(item)) return [];
    return METHODS.flatMap((method): ReferenceOperation[] => {
      const operation = item[method];
      if (!isNode(operation)) return [];
      const body = isNode(operation.requestBody) ? resolve(document, operation.requestBody) : undefined;
      return [
        {
          method: method.toUpperCase(),
          path,
          summary: text(operation.summary),
          description: text(operation.description),
          deprecated: operation.deprecated === true,
          parameters: parametersOf(document, item.parameters, operation.parameters),
          request_body_types: isNode(body?.content) ? Object.keys(body.content) : [],
          responses: responsesOf(operation.responses),
        },
      ];
    });
  });
}

export function apiReference(content: string): ApiReference {
  let document: unknown;
  try {
    document = parse(content);
  } catch (error) {
    return { title: null, version: null, description: null, operations: [], unreadable: `not JSON or YAML: ${(error as Error).message}` };
  }
  if (!isNode(document) || (!('openapi' in document) && !('swagger' in document))) {
    return { title: null, version: null, description: null, operations: [], unreadable: 'not an OpenAPI document (no openapi or swagger field)' };
  }
  const info = isNode(document.info) ? document.info : {};
  return {
    title: text(info.title),
    // YAML reads `version: 1.0` as a number.
    version: typeof info.version === 'number' ? String(info.version) : text(info.version),
    description: text(info.description),
    operations: operationsOf(document),
    unreadable: null,
  };
}
