import { PORTAL } from '../defaults';
import type { Store } from '../store';
import type { AccountSettings } from './accounts/settings';
import type { Actor } from '../store/audit';
import type { RegistrationView } from '../store/portal-views';
import { checkPortal } from './catalog';
import { NotFound } from './errors';
import type { RegistrationService } from './registrations';
import { type ListBody, type PageQuery, listPage } from './shapes/common';
import type { PresentedPortal } from './shapes/catalog';
import type { PortalRegistrationQuery } from './shapes/portal-admin';
import type { Decision } from './shapes/registrations';

/** The one portal as Konnect lists it; its domain is where the portal listener is reached (Kong's guides export it). */
function thePortal(settings: Pick<AccountSettings, 'portalUrl' | 'autoApproveDevelopers'>): PresentedPortal {
  const domain = new URL(settings.portalUrl).host;
  return {
    id: PORTAL.id,
    name: PORTAL.name,
    display_name: PORTAL.display_name,
    description: null,
    authentication_enabled: true,
    rbac_enabled: false,
    auto_approve_applications: false,
    auto_approve_developers: settings.autoApproveDevelopers,
    default_api_visibility: 'private',
    default_domain: domain,
    canonical_domain: domain,
  };
}

/** The portal's admin side in Konnect's v3 shapes: the one portal, its applications and their registrations. */
export function portalService(
  store: Store,
  registrations: Pick<RegistrationService, 'decide'>,
  settings: Pick<AccountSettings, 'portalUrl' | 'autoApproveDevelopers'>,
) {
  const portal = thePortal(settings);
  return {
    list: (): ListBody<PresentedPortal> => ({ data: [portal], meta: { page: { number: 1, size: 10, total: 1 } } }),
    registrations(portalId: string, query: PortalRegistrationQuery) {
      checkPortal(portalId);
      return listPage(query, (page) => store.portalViews.registrations(page, { status: query['filter[status]'] }), (r) => r);
    },
    applications(portalId: string, query: PageQuery) {
      checkPortal(portalId);
      return listPage(query, (page) => store.portalViews.applications(page), (a) => a);
    },
    /** Konnect's PATCH of a registration: the decision, answered with the registration as the portal lists it. */
    async decide(portalId: string, applicationId: string, registrationId: string, decision: Decision, actor: Actor): Promise<RegistrationView> {
      checkPortal(portalId);
      const view = await store.portalViews.registration(registrationId);
      if (!view || view.application.id !== applicationId) throw new NotFound('registration', registrationId);
      const decided = await registrations.decide(applicationId, registrationId, decision, actor);
      return { ...view, status: decided.status, updated_at: decided.updated_at };
    },
  };
}

export type PortalService = ReturnType<typeof portalService>;
