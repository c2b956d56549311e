import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type Static, Type } from '@sinclair/typebox';
import type { ApplicationService } from '../../domain/applications';
import type { MyApplications } from '../../domain/my-applications';
import type { RegistrationService } from '../../domain/registrations';
import { ApplicationInput, ApplicationPatch } from '../../domain/shapes/applications';
import { confirmed } from '../../pages/kit';
import { IdParams } from '../../routes/schemas';
import { activeSession, sessionActorOf } from '../auth';
import { noStore, signedInPage } from './signed-in';

const T = '/portal/pages/templates';
const SECRET_SCRIPTS = ['forget-secret.js', 'copy.js'];

/** The Create New Application form: the application's fields, and the key that makes a resubmission a replay. */
const CreateApplicationForm = Type.Composite([
  ApplicationInput,
  Type.Object({ idempotency_key: Type.String({ format: 'uuid', description: 'set when the form is shown' }) }),
], { additionalProperties: false });
type CreateApplicationForm = Static<typeof CreateApplicationForm>;

const RegistrationParams = Type.Object({ id: Type.String({ format: 'uuid' }), registrationId: Type.String({ format: 'uuid' }) });
type IdParams = Static<typeof IdParams>;

const developerOf = (request: FastifyRequest) => activeSession(request).developer;
const idOf = (request: FastifyRequest) => (request.params as IdParams).id;

export interface ApplicationPageParts {
  applications: ApplicationService;
  registrations: RegistrationService;
  mine: MyApplications;
  gatewayUrl: string | undefined;
}

/** My Apps, New App / Create, and the application's details page with its changes, each behind sign-in. */
export function applicationPages({ applications, registrations, mine, gatewayUrl }: ApplicationPageParts) {
  const newAppData = async () => ({ strategies: await mine.strategyChoices() });
  const detailsData = async (request: FastifyRequest) => ({ details: await mine.details(developerOf(request), idOf(request)) });

  return async (app: FastifyInstance) => {
    app.addHook('onRequest', signedInPage);

    app.get<{ Querystring: { done?: string } }>('/apps', async (request, reply) =>
      reply.page(`${T}/my-apps`, { apps: await mine.overview(developerOf(request)), done: request.query.done }),
    );
    app.get('/apps/new', async (_request, reply) =>
      reply.page(`${T}/new-app`, { ...(await newAppData()), values: { idempotency_key: randomUUID() } }),
    );
    app.post<{ Body: CreateApplicationForm }>(
      '/apps',
      { schema: { body: CreateApplicationForm }, config: { form: { template: `${T}/new-app`, data: newAppData } } },
      async (request, reply) => {
        const { idempotency_key, ...input } = request.body;
        const created = await mine.create(developerOf(request), input, sessionActorOf(request), idempotency_key);
        return noStore(reply).page(`${T}/credentials`, { ...created, gatewayUrl, heading: 'Application created', scripts: SECRET_SCRIPTS });
      },
    );

    app.get<{ Params: IdParams; Querystring: { done?: string } }>('/apps/:id', { schema: { params: IdParams } }, async (request, reply) =>
      reply.page(`${T}/app-details`, { ...(await detailsData(request)), done: request.query.done }),
    );
    app.post<{ Params: IdParams; Body: ApplicationPatch }>(
      '/apps/:id/edit',
      { schema: { params: IdParams, body: ApplicationPatch }, config: { form: { template: `${T}/app-details`, data: detailsData } } },
      async (request, reply) => {
        // The form always has a description field: left blank, it clears the description.
        const patch = { ...request.body, description: request.body.description ?? '' };
        await applications.update(developerOf(request), request.params.id, patch, sessionActorOf(request));
        return reply.redirect(`/apps/${request.params.id}?done=updated`, 303);
      },
    );
    app.post<{ Params: IdParams }>('/apps/:id/refresh-secret', { schema: { params: IdParams } }, async (request, reply) => {
      const { id } = request.params;
      if (!confirmed(request.body)) {
        return reply.page('/pages/templates/confirm', {
          title: 'Refresh secret?',
          question: 'The application gets a new Client Secret, shown once on the next page.',
          consequence: 'The current secret stops working at once: calls made with it are refused.',
          action: `/apps/${id}/refresh-secret`,
          button: 'Refresh secret',
          cancel: `/apps/${id}`,
        });
      }
      const refreshed = await mine.refreshSecret(developerOf(request), id, sessionActorOf(request));
      return noStore(reply).page(`${T}/credentials`, { ...refreshed, gatewayUrl, heading: 'New Client Secret', scripts: SECRET_SCRIPTS });
    });
    app.post<{ Params: IdParams }>('/apps/:id/delete', { schema: { params: IdParams } }, async (request, reply) => {
      const { id } = request.params;
      if (!confirmed(request.body)) {
        return reply.page('/pages/templates/confirm', {
          title: 'Delete application?',
          question: 'The application, its registrations and its client at the identity provider are deleted.',
          consequence: 'Its credentials stop working at the gateway. This cannot be undone.',
          action: `/apps/${id}/delete`,
          button: 'Delete',
          cancel: `/apps/${id}`,
        });
      }
      const pending = await applications.delete({ role: 'developer', developer: developerOf(request) }, id, sessionActorOf(request));
      return reply.redirect(`/apps?done=${pending ? 'deletion-pending' : 'deleted'}`, 303);
    });
    app.post<{ Params: Static<typeof RegistrationParams> }>(
      '/apps/:id/registrations/:registrationId/withdraw',
      { schema: { params: RegistrationParams } },
      async (request, reply) => {
        const { id, registrationId } = request.params;
        if (!confirmed(request.body)) {
          return reply.page('/pages/templates/confirm', {
            title: 'Withdraw registration?',
            question: 'The application stops being registered for this API.',
            consequence: 'Its calls to the API are refused at the gateway; you can request access again later.',
            action: `/apps/${id}/registrations/${registrationId}/withdraw`,
            button: 'Withdraw',
            cancel: `/apps/${id}`,
          });
        }
        await registrations.withdraw(developerOf(request), id, registrationId, sessionActorOf(request));
        return reply.redirect(`/apps/${id}?done=withdrawn`, 303);
      },
    );
  };
}
