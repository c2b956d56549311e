import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { PORTAL_ID } from '../domain/portal';
import { PageQuery } from '../domain/shapes/common';
import { DeveloperDecision } from '../domain/shapes/console';
import { confirmed } from '../pages/kit';
import type { ConsoleDomain } from './pages';
import { SEE_OTHER, consoleRoute } from './routes';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
type IdParams = { id: string };

/** The button, and its confirmation, of each status an admin moves a developer to. */
const ACTIONS = {
  approved: { button: 'Approve', destructive: false },
  rejected: { button: 'Reject', destructive: true },
  revoked: { button: 'Suspend', destructive: true },
} as const;

/** Developers: approve or reject a sign-up, suspend an approved developer, reinstate a suspended one. */
export function developerPages({ developers, statuses, access }: Pick<ConsoleDomain, 'developers' | 'statuses' | 'access'>) {
  return async (app: FastifyInstance) => {
    app.get<{ Querystring: PageQuery }>('/admin/developers', consoleRoute({ querystring: PageQuery }), async (request, reply) =>
      reply.page('/console/templates/developers', { list: await developers.list(request.query) }),
    );
    app.post<{ Params: IdParams; Body: DeveloperDecision }>(
      '/admin/developers/:id/status',
      consoleRoute({ params: IdParams, body: DeveloperDecision }),
      async (request, reply) => {
        const { status } = request.body;
        const action = ACTIONS[status];
        if (action.destructive && !confirmed(request.body)) {
          const developer = await developers.get(request.params.id);
          return reply.page('/pages/templates/confirm', {
            title: `${action.button} developer`,
            question: `${action.button} ${developer.full_name} (${developer.email})?`,
            consequence:
              status === 'revoked'
                ? 'They are signed out at once, and the gateway refuses their applications until they are reinstated.'
                : 'They cannot sign in to the portal.',
            action: request.url,
            fields: { status },
            button: action.button,
            cancel: '/admin/developers',
          });
        }
        await statuses.change(PORTAL_ID, request.params.id, status, access.actor(request.ip));
        return reply.redirect('/admin/developers', SEE_OTHER);
      },
    );
  };
}
