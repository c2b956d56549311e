/** The OpenAPI reference of an API's page: what it reads from OpenAPI 3 and Swagger 2 documents, and what it refuses. */
import { apiReference } from '../../sidecar/domain/api-reference';

const openApi3 = `
openapi: 3.0.3
info:
  title: Weather
  version: 1.0
  description: Forecasts <b>for</b> "everyone"
paths:
  /forecasts/{city}:
    parameters:
      - $ref: '#/components/parameters/City'
      - { name: units, in: query, schema: { type: string }, description: shared units }
    get:
      summary: Read a forecast
      description: <script>alert(1)</script>
      parameters:
        - { name: units, in: query, required: true, schema: { type: string, enum: [metric, imperial] } }
        - { name: days, in: query, schema: { type: array, items: { type: integer } } }
      responses:
        '200': { description: The forecast }
        default: { description: A problem }
    put:
      deprecated: true
      requestBody: { $ref: '#/components/requestBodies/Forecast' }
      responses: {}
    x-internal: not an operation
components:
  parameters:
    City: { name: city, in: path, required: true, schema: { type: string }, description: the city's name }
  requestBodies:
    Forecast: { content: { application/json: {}, application/yaml: {} } }
`;

test('reads an OpenAPI 3 document: operations in order, shared and overridden parameters, local $refs, bodies, responses', () => {
  expect(apiReference(openApi3)).toEqual({
    title: 'Weather',
    version: '1',
    description: 'Forecasts <b>for</b> "everyone"',
    unreadable: null,
    operations: [
      {
        method: 'GET',
        path: '/forecasts/{city}',
        summary: 'Read a forecast',
        description: '<script>alert(1)</script>',
        deprecated: false,
        parameters: [
          { name: 'city', in: 'path', required: true, type: 'string', description: "the city's name" },
          { name: 'units', in: 'query', required: true, type: 'string', description: null },
          { name: 'days', in: 'query', required: false, type: 'array of integer', description: null },
        ],
        request_body_types: [],
        responses: [
          { status: '200', description: 'The forecast' },
          { status: 'default', description: 'A problem' },
        ],
      },
      {
        method: 'PUT',
        path: '/forecasts/{city}',
        summary: null,
        description: null,
        deprecated: true,
        parameters: [
          { name: 'city', in: 'path', required: true, type: 'string', description: "the city's name" },
          { name: 'units', in: 'query', required: false, type: 'string', description: 'shared units' },
        ],
        request_body_types: ['application/json', 'application/yaml'],
        responses: [],
      },
    ],
  });
});

test('reads a Swagger 2 JSON document, whose parameters carry their type themselves', () => {
  const swagger = {
    swagger: '2.0',
    info: { title: 'Pets', version: '2.1.0' },
    parameters: { Limit: { name: 'limit', in: 'query', type: 'integer' } },
    paths: { '/pets': { get: { parameters: [{ $ref: '#/parameters/Limit' }, { name: 'tag', in: 'query', type: 'array', items: { type: 'string' } }] } } },
  };
  const [operation] = apiReference(JSON.stringify(swagger)).operations;
  expect(operation?.parameters).toEqual([
    { name: 'limit', in: 'query', required: false, type: 'integer', description: null },
    { name: 'tag', in: 'query', required: false, type: 'array of string', description: null },
  ]);
});

test('follows no $ref outside the document, and drops a parameter it cannot resolve', () => {
  const document = { openapi: '3.1.0', info: {}, paths: { '/x': { get: { parameters: [{ $ref: 'http://127.0.0.1:1/p.yaml' }, { $ref: '#/nowhere' }] } } } };
  expect(apiReference(JSON.stringify(document)).operations[0]?.parameters).toEqual([]);
});

test('says why a document cannot be read: neither JSON nor YAML, or not OpenAPI', () => {
  expect(apiReference('openapi: [unclosed').unreadable).toMatch(/^not JSON or YAML: /);
  expect(apiReference('{"info": {"title": "no version field"}}')).toEqual({
    title: null,
    version: null,
    description: null,
    operations: [],
    unreadable: 'not an OpenAPI document (no openapi or swagger field)',
  });
  expect(apiReference('just text').unreadable).toBe('not an OpenAPI document (no openapi or swagger field)');
});
