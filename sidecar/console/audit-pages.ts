import type { FastifyInstance } from 'fastify';
import { PageQuery } from '../domain/shapes/common';
import type { ConsoleDomain } from './pages';
import { consoleRoute } from './routes';

/** The audit log, newest first: every change, who made it (a developer, or the admin token's id) and from where. */
export function auditPages({ audit }: Pick<ConsoleDomain, 'audit'>) {
  return async (app: FastifyInstance) => {
    app.get<{ Querystring: PageQuery }>('/admin/audit', consoleRoute({ querystring: PageQuery }), async (request, reply) =>
      reply.page('/console/templates/audit', { list: await audit.recent(request.query) }),
    );
  };
}
