import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Registry } from 'prom-client';
import { ProblemError } from '../domain/errors';
import { errorResponses } from './schemas';

const Status = Type.Object({ status: Type.String() });

/** Liveness, readiness (the database answers) and Prometheus metrics: no authentication. */
export function healthRoutes(ping: () => Promise<void>, metrics: Registry) {
  return async (app: FastifyInstance) => {
    app.get('/healthz', { schema: { tags: ['health'], response: { 200: Status } } }, async () => ({ status: 'ok' }));
    app.get('/readyz', { schema: { tags: ['health'], response: { 200: Status, ...errorResponses } } }, async (request) => {
      try {
        await ping();
      } catch (error) {
        request.log.warn({ err: { message: (error as Error).message } }, 'database unreachable');
        throw new ProblemError(503, 'Service Unavailable', 'the database is unreachable');
      }
      return { status: 'ready' };
    });
    app.get('/metrics', { schema: { tags: ['health'], hide: true } }, async (_request, reply) =>
      reply.type(metrics.contentType).send(await metrics.metrics()),
    );
  };
}
