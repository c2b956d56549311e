import type { FastifyInstance } from 'fastify';
import { AuditQuery } from '../domain/shapes/audit';
import type { ConsoleDomain } from './pages';
import { consoleRoute } from './routes';

/** The audit log: every change, who made it (a developer, or the admin token's id) and from where. */
export function auditPages({ audit }: Pick<ConsoleDomain, 'audit'>) {
  return async (app: FastifyInstance) => {
    app.get<{ Querystring: AuditQuery }>('/admin/audit', consoleRoute({ querystring: AuditQuery }), async (request, reply) =>
      reply.page('/console/templates/audit', { list: await audit.list(request.query) }),
    );
  };
}
