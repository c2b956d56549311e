import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { PageQuery } from '../domain/shapes/common';
import { CONFIG_FIELD_PREFIX, ProviderForm, ProviderType } from '../domain/shapes/console';
import type { ConsoleDomain } from './pages';
import { SEE_OTHER, consoleRoute } from './routes';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
type IdParams = { id: string };
const LIST = '/admin/dcr-providers';
const FORM = '/console/templates/provider-form';

/** DCR providers: list, create (per provider type), edit (secrets write-only), Verify against the IdP. */
export function providerPages({ providers, providerForms, access }: Pick<ConsoleDomain, 'providers' | 'providerForms' | 'access'>) {
  const newForm = async (request: FastifyRequest) => {
    const { provider_type } = request.params as ProviderType;
    return { providerType: provider_type, fields: providerForms.fieldsOf(provider_type), prefix: CONFIG_FIELD_PREFIX };
  };
  const editForm = async (request: FastifyRequest) => {
    const provider = await providers.get((request.params as IdParams).id);
    return { provider, providerType: provider.provider_type, fields: providerForms.fieldsOf(provider.provider_type), prefix: CONFIG_FIELD_PREFIX };
  };
  return async (app: FastifyInstance) => {
    app.get<{ Querystring: PageQuery }>(LIST, consoleRoute({ querystring: PageQuery }), async (request, reply) =>
      reply.page('/console/templates/providers', { list: await providers.list(request.query), types: providerForms.types() }),
    );
    app.get(`${LIST}/new/:provider_type`, consoleRoute({ params: ProviderType }), async (request, reply) =>
      reply.page(FORM, await newForm(request)),
    );
    app.post<{ Params: ProviderType; Body: ProviderForm }>(
      `${LIST}/new/:provider_type`,
      consoleRoute({ params: ProviderType, body: ProviderForm, form: { template: FORM, data: newForm } }),
      async (request, reply) => {
        await providerForms.create(request.params.provider_type, request.body, access.actor(request.ip));
        return reply.redirect(LIST, SEE_OTHER);
      },
    );
    app.get(`${LIST}/:id/edit`, consoleRoute({ params: IdParams }), async (request, reply) => reply.page(FORM, await editForm(request)));
    app.post<{ Params: IdParams; Body: ProviderForm }>(
      `${LIST}/:id`,
      consoleRoute({ params: IdParams, body: ProviderForm, form: { template: FORM, data: editForm } }),
      async (request, reply) => {
        await providerForms.update(request.params.id, request.body, access.actor(request.ip));
        return reply.redirect(LIST, SEE_OTHER);
      },
    );
    app.post<{ Params: IdParams }>(`${LIST}/:id/verify`, consoleRoute({ params: IdParams }), async (request, reply) =>
      reply.page('/console/templates/verification', { verification: await providers.verify(request.params.id), back: LIST }),
    );
  };
}
