import type { Store } from '../store';
import type { Actor } from '../store/audit';
import type { ApiRegistrationView } from '../store/portal-views';
import type { Developer } from '../store/records';
import type { ApplicationService } from './applications';
import { NotFound, Unprocessable } from './errors';
import { ownApplication } from './portal-applications';
import { type PortalProducts, versionIdOf, versionNameOf } from './portal-products';
import type { RegistrationService } from './registrations';
import { type ListBody, listPage } from './shapes/common';
import type { CreateRegistrationPayload, PortalRegistration, RegistrationListQuery } from './shapes/portal-applications';

function presentPortalRegistration(registration: ApiRegistrationView): PortalRegistration {
  const { api } = registration;
  return {
    id: registration.id,
    created_at: registration.created_at,
    updated_at: registration.updated_at,
    status: registration.status,
    product_id: api.id,
    product_name: api.name,
    product_version_id: versionIdOf(api),
    product_version_name: versionNameOf(api),
    application_id: registration.application_id,
  };
}

/**
 * Portal API v2 registrations of the signed-in developer's own applications, by product version (a published
 * API, so a kong.yml service): the /v2 registration use cases (state table, approval) in Konnect's shapes. Only
 * registrations for APIs of the catalog are a product's; one for a bare service (admin API) is not shown here.
 */
export function portalRegistrationService(
  store: Store,
  applications: Pick<ApplicationService, 'reach'>,
  registrations: RegistrationService,
  products: PortalProducts,
) {
  const own = (developer: Developer, applicationId: string) => ownApplication(applications, developer, applicationId);
  const view = async (applicationId: string, registrationId: string) => {
    const found = await store.portalViews.applicationRegistration(applicationId, registrationId);
    if (!found) throw new NotFound('registration', registrationId);
    return presentPortalRegistration(found);
  };

  return {
    async list(developer: Developer, applicationId: string, query: RegistrationListQuery): Promise<ListBody<PortalRegistration>> {
      const application = await own(developer, applicationId);
      const versionName = query['filter[product_version_name][eq]'] ?? query['filter[product_version_name]'];
      const filter = {
        id: query['filter[id][eq]'] ?? query['filter[id]'],
        status: query['filter[status][eq]'] ?? query['filter[status]'],
        api_name: query['filter[product_name][eq]'] ?? query['filter[product_name]'],
        api_name_contains: query['filter[product_name][contains]'],
        // The name of a version the API does not have is ours: it names the APIs without one.
        api_version: versionName === versionNameOf({ version: null }) ? null : versionName,
        api_version_contains: query['filter[product_version_name][contains]'],
      };
      return listPage(query, (page) => store.portalViews.applicationRegistrations(application.id, page, filter), presentPortalRegistration);
    },
    get: async (developer: Developer, applicationId: string, registrationId: string): Promise<PortalRegistration> =>
      view((await own(developer, applicationId)).id, registrationId),
    /** Pending, or approved at once (the API's or its strategy's auto-approval); 404 for a product the developer cannot see. */
    async request(developer: Developer, applicationId: string, payload: CreateRegistrationPayload, actor: Actor): Promise<PortalRegistration> {
      // Another's application first: its 404 must not depend on which product is asked for.
      await own(developer, applicationId);
      const { service } = await products.productOfVersion(payload.product_version_id, developer);
      const created = await registrations.request(developer, applicationId, { service }, actor);
      return view(created.application_id, created.id);
    },
    /** The developer withdraws the registration, in any state: it is deleted. */
    async withdraw(developer: Developer, applicationId: string, registrationId: string, actor: Actor): Promise<void> {
      await own(developer, applicationId);
      await registrations.withdraw(developer, applicationId, registrationId, actor);
    },
    /** No strategy of this portal manages scopes per registration: 422, as the contract answers an IdP without. */
    async grantedScopes(developer: Developer, applicationId: string, registrationId: string): Promise<never> {
      await view((await own(developer, applicationId)).id, registrationId);
      throw new Unprocessable("this portal's auth strategies grant no scopes per registration: the strategy's scopes apply to every client");
    },
  };
}

export type PortalRegistrationService = ReturnType<typeof portalRegistrationService>;
