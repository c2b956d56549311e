import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { AuditService } from '../domain/audit';
import { AuditEventList, AuditQuery } from '../domain/shapes/audit';
import { PageQuery } from '../domain/shapes/common';
import { type AccessControl, callerOf } from '../http/auth';
import { IdParams, operation } from './schemas';

/** The audit trail: `/v2/audit-events` for the admin, an application's events for its developer too. */
export function auditRoutes(audit: AuditService, access: AccessControl) {
  const tags = ['audit'];
  return async (app: FastifyInstance) => {
    app.get<{ Querystring: AuditQuery }>(
      '/v2/audit-events',
      operation(access.admin, { summary: 'List the audit trail, oldest first', tags, querystring: AuditQuery, response: { 200: AuditEventList } }),
      async (request) => audit.list(request.query),
    );
    app.get<{ Params: Static<typeof IdParams>; Querystring: PageQuery }>(
      '/v2/applications/:id/audit-events',
      operation(access.adminOrDeveloper, {
        summary: "List the audit trail of an application (a developer's own only)",
        tags,
        params: IdParams,
        querystring: PageQuery,
        response: { 200: AuditEventList },
        errors: [404],
      }),
      async (request) => audit.ofApplication(callerOf(request), request.params.id, request.query),
    );
  };
}
