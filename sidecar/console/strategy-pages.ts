import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { strategyFormOf } from '../domain/console/strategy-forms';
import { PageQuery } from '../domain/shapes/common';
import { StrategyForm } from '../domain/shapes/console';
import type { ConsoleDomain } from './pages';
import { SEE_OTHER, consoleRoute } from './routes';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
type IdParams = { id: string };
const LIST = '/admin/auth-strategies';
const FORM = '/console/templates/strategy-form';
/** Enough for every provider of one sidecar in the form's choice. */
const ALL = { 'page[size]': 100 };

/** Auth strategies: how the portal's applications get and use their credentials (issuer, scopes, DCR provider); Verify. */
export function strategyPages({
  strategies,
  strategyForms,
  strategyVerifier,
  providers,
  access,
}: Pick<ConsoleDomain, 'strategies' | 'strategyForms' | 'strategyVerifier' | 'providers' | 'access'>) {
  const newForm = async () => ({ providers: (await providers.list(ALL)).data });
  const editForm = async (request: FastifyRequest) => {
    const strategy = await strategies.get((request.params as IdParams).id);
    return { strategy, stored: strategyFormOf(strategy) };
  };
  return async (app: FastifyInstance) => {
    app.get<{ Querystring: PageQuery }>(LIST, consoleRoute({ querystring: PageQuery }), async (request, reply) =>
      reply.page('/console/templates/strategies', { list: await strategies.list(request.query) }),
    );
    app.get(`${LIST}/new`, consoleRoute(), async (_request, reply) => reply.page(FORM, await newForm()));
    app.post<{ Body: StrategyForm }>(
      `${LIST}/new`,
      consoleRoute({ body: StrategyForm, form: { template: FORM, data: newForm } }),
      async (request, reply) => {
        await strategyForms.create(request.body, access.actor(request.ip));
        return reply.redirect(LIST, SEE_OTHER);
      },
    );
    app.get(`${LIST}/:id/edit`, consoleRoute({ params: IdParams }), async (request, reply) => reply.page(FORM, await editForm(request)));
    app.post<{ Params: IdParams; Body: StrategyForm }>(
      `${LIST}/:id`,
      consoleRoute({ params: IdParams, body: StrategyForm, form: { template: FORM, data: editForm } }),
      async (request, reply) => {
        await strategyForms.update(request.params.id, request.body, access.actor(request.ip));
        return reply.redirect(LIST, SEE_OTHER);
      },
    );
    app.post<{ Params: IdParams }>(`${LIST}/:id/verify`, consoleRoute({ params: IdParams }), async (request, reply) =>
      reply.page('/console/templates/verification', { verification: await strategyVerifier.verify(request.params.id), back: LIST }),
    );
  };
}
