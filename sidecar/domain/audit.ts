import type { Store } from '../store';
import type { ApplicationService } from './applications';
import type { Caller } from './callers';
import { type PageQuery, listPage } from './shapes/common';
import type { AuditQuery } from './shapes/audit';

/** The audit fields of a change to a developer (their account, status or token). */
export const developerEvent = (id: string) => ({ resource_type: 'developer', resource_id: id });

/** The audit row of an IdP client deleted because no application maps to it (no row of ours changes). */
export const idpClientDeleted = (client: { clientId: string; clientName: string }, providerId: string) => ({
  action: 'idp_client.deleted',
  resource_type: 'idp_client',
  resource_id: client.clientId,
  before: { client_id: client.clientId, client_name: client.clientName, dcr_provider_id: providerId },
});

/** Reading the audit trail: the admin all of it, a developer what concerns their own applications. */
export function auditService(store: Store, applications: Pick<ApplicationService, 'reach'>) {
  return {
    list: (query: AuditQuery) =>
      listPage(
        query,
        (page) =>
          store.audit.list(page, {
            actor_id: query['filter[actor_id]'],
            resource_type: query['filter[resource_type]'],
            resource_id: query['filter[resource_id]'],
            application_id: query['filter[application_id]'],
            action: query['filter[action]'],
          }),
        (event) => event,
      ),
    /** The whole trail, newest first: the console's audit log. */
    recent: (query: PageQuery) => listPage(query, (page) => store.audit.list(page, {}, 'newest'), (event) => event),
    async ofApplication(caller: Caller, applicationId: string, query: PageQuery) {
      const application = await applications.reach(caller, applicationId);
      return listPage(query, (page) => store.audit.list(page, { application_id: application.id }), (event) => event);
    },
  };
}

export type AuditService = ReturnType<typeof auditService>;
