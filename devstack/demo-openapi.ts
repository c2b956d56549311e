/**
 * The OpenAPI document of the demo service as the gateway exposes it (`/demo` of kong.yml, in front of the echo
 * upstream): what `npm start` publishes with `demo`, so the portal's API reference has something to show.
 */
export const DEMO_OPENAPI = {
  openapi: '3.0.3',
  info: {
    title: 'demo',
    version: '1.0.0',
    description: 'Echoes every request it receives, with the identity headers the gateway added.',
  },
  servers: [{ url: '/demo' }],
  components: {
    securitySchemes: {
      okta: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from the token endpoint (client credentials)' },
      client: { type: 'http', scheme: 'basic', description: 'The application\'s own Client ID and Client Secret' },
    },
    schemas: {
      Echo: {
        type: 'object',
        properties: {
          method: { type: 'string', description: 'The method the upstream received' },
          path: { type: 'string', description: 'The path the upstream received' },
          query: { type: 'object', additionalProperties: true },
          headers: { type: 'object', additionalProperties: true, description: 'Including X-Consumer-Username and X-Credential-Identifier' },
          body: { type: 'string' },
        },
      },
    },
  },
  security: [{ okta: [] }, { client: [] }],
  paths: {
    '/hello': {
      get: {
        summary: 'Say hello',
        description: 'Answers with the request as the upstream received it.',
        parameters: [{ name: 'name', in: 'query', required: false, schema: { type: 'string' }, description: 'Echoed back in the answer' }],
        responses: {
          '200': { description: 'The request as received', content: { 'application/json': { schema: { $ref: '#/components/schemas/Echo' } } } },
          '401': { description: 'No credentials, or an invalid token' },
          '403': { description: 'The application is not approved for this API' },
        },
      },
      post: {
        summary: 'Send a body',
        requestBody: { content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } } },
        responses: { '200': { description: 'The request as received, body included', content: { 'application/json': { schema: { $ref: '#/components/schemas/Echo' } } } } },
      },
    },
  },
};
