import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import { type Static, Type } from '@sinclair/typebox';
import type { Reconciler } from '../domain/reconcile';
import { errorResponses } from './schemas';

const Report = Type.Object({
  data: Type.Array(
    Type.Object({
      provider_id: Type.String(),
      provider_name: Type.String(),
      status: Type.String(),
      error: Type.Optional(Type.String()),
      orphans: Type.Array(Type.Object({ client_id: Type.String(), client_name: Type.String() })),
      missing: Type.Array(Type.Object({ application_id: Type.String(), client_id: Type.String() })),
      removed: Type.Array(Type.String()),
    }),
  ),
});

const FixBody = Type.Object({
  grace_seconds: Type.Optional(Type.Integer({ minimum: 0, default: 300, description: 'younger orphans are only reported' })),
});

/** `GET /v2/reconcile` reports orphans and missing clients; `POST` also removes the orphans. Admin only. */
export function reconcileRoutes(reconcile: Reconciler, adminOnly: onRequestAsyncHookHandler, defaultGraceSeconds: number) {
  const tags = ['reconcile'];
  return async (app: FastifyInstance) => {
    app.addHook('onRequest', adminOnly);
    app.get('/v2/reconcile', { schema: { tags, response: { 200: Report, ...errorResponses } } }, async () => ({
      data: await reconcile.reconcile({ fix: false, graceSeconds: defaultGraceSeconds }),
    }));
    app.post<{ Body: Static<typeof FixBody> | undefined }>(
      '/v2/reconcile',
      { schema: { tags, body: Type.Optional(FixBody), response: { 200: Report, ...errorResponses } } },
      async (request) => ({
        data: await reconcile.reconcile({ fix: true, graceSeconds: request.body?.grace_seconds ?? defaultGraceSeconds }),
      }),
    );
  };
}
