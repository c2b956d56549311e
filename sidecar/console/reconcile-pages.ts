import type { FastifyInstance } from 'fastify';
import { Confirmation } from '../domain/shapes/console';
import { confirmed } from '../pages/kit';
import type { ConsoleDomain } from './pages';
import { consoleRoute } from './routes';

const PATH = '/admin/reconcile';
const REPORT = '/console/templates/reconcile';

/** Reconcile: the IdP clients with our prefix that no application maps to (orphans), and removing them. */
export function reconcilePages({ reconciler, access }: Pick<ConsoleDomain, 'reconciler' | 'access'>) {
  return async (app: FastifyInstance) => {
    app.get(PATH, consoleRoute(), async (request, reply) =>
      reply.page(REPORT, { report: await reconciler.reconcile({ fix: false }, access.actor(request.ip)) }),
    );
    app.post<{ Body: Confirmation }>(PATH, consoleRoute({ body: Confirmation }), async (request, reply) => {
      if (!confirmed(request.body)) {
        return reply.page('/pages/templates/confirm', {
          title: 'Fix orphans',
          question: 'Delete every orphan client at the identity providers?',
          consequence: 'Only clients named with this sidecar\'s prefix that no application maps to, older than the grace period, are deleted.',
          action: PATH,
          button: 'Fix',
          cancel: PATH,
        });
      }
      return reply.page(REPORT, { report: await reconciler.reconcile({ fix: true }, access.actor(request.ip)), fixed: true });
    });
  };
}
