import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Registry } from 'prom-client';
import { ServiceUnavailable } from '../domain/errors';
import { operation } from './schemas';

const Status = Type.Object({ status: Type.String() });

/** Liveness, readiness (the database answers) and Prometheus metrics: no authentication. */
export function healthRoutes(ping: () => Promise<void>, metrics: Registry) {
  const tags = ['health'];
  return async (app: FastifyInstance) => {
    app.get('/healthz', operation(undefined, { summary: 'Liveness', tags, response: { 200: Status } }), async () => ({ status: 'ok' }));
    app.get(
      '/readyz',
      operation(undefined, { summary: 'Readiness: the database answers', tags, response: { 200: Status }, errors: [503] }),
      async (request) => {
        try {
          await ping();
        } catch (error) {
          request.log.warn({ err: { message: (error as Error).message } }, 'database unreachable');
          throw new ServiceUnavailable('the database is unreachable');
        }
        return { status: 'ready' };
      },
    );
    app.get('/metrics', { schema: { tags, hide: true } }, async (_request, reply) =>
      reply.type(metrics.contentType).send(await metrics.metrics()),
    );
  };
}
