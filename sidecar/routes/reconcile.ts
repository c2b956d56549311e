import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Reconciler } from '../domain/reconcile';
import { ReconcileFix, ReconcileReport } from '../domain/shapes/reconcile';
import { type Access, actorOf } from '../http/auth';
import { operation } from './schemas';

/** `GET /v2/reconcile` reports orphans and missing clients; `POST` also removes the orphans. Admin only. */
export function reconcileRoutes(reconcile: Reconciler, admin: Access) {
  const tags = ['reconcile'];
  return async (app: FastifyInstance) => {
    app.get(
      '/v2/reconcile',
      operation(admin, { summary: "Compare the IdPs' clients with the applications", tags, response: { 200: ReconcileReport } }),
      async (request) => reconcile.reconcile({ fix: false }, actorOf(request)),
    );
    app.post<{ Body: ReconcileFix | undefined }>(
      '/v2/reconcile',
      operation(admin, {
        summary: 'Reconcile and delete the orphaned IdP clients',
        description: 'orphans younger than grace_seconds are only reported: their application may be being written',
        tags,
        body: Type.Optional(ReconcileFix),
        response: { 200: ReconcileReport },
      }),
      async (request) => reconcile.reconcile({ fix: true, graceSeconds: request.body?.grace_seconds }, actorOf(request)),
    );
  };
}
