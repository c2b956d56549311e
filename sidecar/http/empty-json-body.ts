import type { FastifyInstance } from 'fastify';

/**
 * `Content-Type: application/json` with an empty body is no body, not a 400: Kong's guides publish an API with a
 * PUT that sends that header and nothing else. A route that needs a body still refuses its absence (its schema);
 * any other body goes to Fastify's own JSON parser, with its prototype-poisoning checks.
 */
export function acceptEmptyJsonBody(app: FastifyInstance): void {
  const { onProtoPoisoning = 'error', onConstructorPoisoning = 'error' } = app.initialConfig;
  const parseJson = app.getDefaultJsonParser(onProtoPoisoning, onConstructorPoisoning);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body: string, done) => {
    if (body === '') {
      done(null, undefined);
      return;
    }
    parseJson(request, body, done);
  });
}
