import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { PageQuery } from '../domain/shapes/common';
import { Confirmation } from '../domain/shapes/console';
import { confirmed } from '../pages/kit';
import type { ConsoleDomain } from './pages';
import { SEE_OTHER, consoleRoute } from './routes';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
type IdParams = { id: string };
const LIST = '/admin/applications';

/** Every developer's applications: disable (the gateway refuses it, its client stays), enable, delete. */
export function applicationPages({ views, applications, access }: Pick<ConsoleDomain, 'views' | 'applications' | 'access'>) {
  const confirmation = async (id: string, button: string, consequence: string, action: string) => {
    const application = await applications.get({ role: 'admin' }, id);
    return {
      title: `${button} application`,
      question: `${button} ${application.name} (client ID ${application.client_id})?`,
      consequence,
      action,
      button,
      cancel: LIST,
    };
  };
  return async (app: FastifyInstance) => {
    app.get<{ Querystring: PageQuery }>(LIST, consoleRoute({ querystring: PageQuery }), async (request, reply) =>
      reply.page('/console/templates/applications', { list: await views.applications(request.query) }),
    );
    app.post<{ Params: IdParams; Body: Confirmation }>(
      `${LIST}/:id/disable`,
      consoleRoute({ params: IdParams, body: Confirmation }),
      async (request, reply) => {
        if (!confirmed(request.body)) {
          const consequence = 'The gateway refuses it until it is enabled again; its client stays at the identity provider.';
          return reply.page('/pages/templates/confirm', await confirmation(request.params.id, 'Disable', consequence, request.url));
        }
        await applications.setEnabled(request.params.id, false, access.actor(request.ip));
        return reply.redirect(LIST, SEE_OTHER);
      },
    );
    app.post<{ Params: IdParams }>(`${LIST}/:id/enable`, consoleRoute({ params: IdParams }), async (request, reply) => {
      await applications.setEnabled(request.params.id, true, access.actor(request.ip));
      return reply.redirect(LIST, SEE_OTHER);
    });
    app.post<{ Params: IdParams; Body: Confirmation }>(
      `${LIST}/:id/delete`,
      consoleRoute({ params: IdParams, body: Confirmation }),
      async (request, reply) => {
        if (!confirmed(request.body)) {
          const consequence = 'Its client is deleted at the identity provider and its credentials stop working. This cannot be undone.';
          return reply.page('/pages/templates/confirm', await confirmation(request.params.id, 'Delete', consequence, request.url));
        }
        await applications.delete({ role: 'admin' }, request.params.id, access.actor(request.ip));
        return reply.redirect(LIST, SEE_OTHER);
      },
    );
  };
}
