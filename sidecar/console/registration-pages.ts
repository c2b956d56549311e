import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { PageQuery } from '../domain/shapes/common';
import { RegistrationDecision } from '../domain/shapes/console';
import { confirmed } from '../pages/kit';
import type { ConsoleDomain } from './pages';
import { SEE_OTHER, consoleRoute } from './routes';

const RegistrationParams = Type.Object({ id: Type.String({ format: 'uuid' }), rid: Type.String({ format: 'uuid' }) });
type RegistrationParams = { id: string; rid: string };

const BUTTONS = { approved: 'Approve', rejected: 'Reject', revoked: 'Revoke' } as const;

/** Registration requests, pending first: Approve or Reject a request, Revoke an approved one. */
export function registrationPages({ views, registrations, access }: Pick<ConsoleDomain, 'views' | 'registrations' | 'access'>) {
  return async (app: FastifyInstance) => {
    app.get<{ Querystring: PageQuery }>('/admin/registrations', consoleRoute({ querystring: PageQuery }), async (request, reply) =>
      reply.page('/console/templates/registrations', { list: await views.registrationRequests(request.query) }),
    );
    app.post<{ Params: RegistrationParams; Body: RegistrationDecision }>(
      '/admin/applications/:id/registrations/:rid',
      consoleRoute({ params: RegistrationParams, body: RegistrationDecision }),
      async (request, reply) => {
        const { status } = request.body;
        const button = BUTTONS[status];
        if (status !== 'approved' && !confirmed(request.body)) {
          return reply.page('/pages/templates/confirm', {
            title: `${button} registration`,
            question: `${button} this registration?`,
            consequence: 'The gateway refuses the application on this service from then on (within its cache window).',
            action: request.url,
            fields: { status },
            button,
            cancel: '/admin/registrations',
          });
        }
        await registrations.decide(request.params.id, request.params.rid, { status }, access.actor(request.ip));
        return reply.redirect('/admin/registrations', SEE_OTHER);
      },
    );
  };
}
