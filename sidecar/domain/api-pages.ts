import type { Store } from '../store';
import type { Actor } from '../store/audit';
import type { Developer, Registration } from '../store/records';
import { apiReference } from './api-reference';
import { approvesAtOnce } from './auto-approval';
import { Conflict, InvalidInput } from './errors';
import type { PortalProducts, PublishedProduct, Viewer } from './portal-products';
import { isOpen } from './registration-states';
import type { RegistrationService } from './registrations';
import type { ApiPage, UsableApplication, UseThisApi } from './shapes/api-pages';

/** An application's registrations are few (one per service at most); one page of this size holds them all. */
const ALL = { 'page[number]': 1, 'page[size]': 100 } as const;

function apiPageOf({ api, publication, strategy }: PublishedProduct): ApiPage {
  return {
    id: api.id,
    name: api.name,
    description: api.description,
    version: api.version,
    strategy_name: strategy?.display_name ?? null,
    auto_approve: approvesAtOnce(publication, strategy),
    reference: api.spec_content === null ? null : apiReference(api.spec_content),
  };
}

/**
 * The portal's APIs pages: an API with its reference (to whoever may see it), and Use this API (a signed-in
 * developer picks one of their applications of the API's auth strategy and requests access for it).
 */
export function apiPages(store: Store, products: Pick<PortalProducts, 'productOfVersion'>, registrations: Pick<RegistrationService, 'list' | 'request'>) {
  /** The developer's request for the API's service through this application, if any. */
  const registrationOf = async (developer: Developer, applicationId: string, service: string): Promise<Registration | undefined> => {
    const list = await registrations.list({ role: 'developer', developer }, applicationId, ALL);
    return list.data.find((registration) => registration.service === service);
  };

  return {
    /** 404 for an API the viewer may not see (unknown, unpublished, or private to an anonymous visitor). */
    page: async (apiId: string, viewer: Viewer): Promise<ApiPage> => apiPageOf(await products.productOfVersion(apiId, viewer)),

    async useThisApi(apiId: string, developer: Developer): Promise<UseThisApi> {
      const published = await products.productOfVersion(apiId, developer);
      const strategyId = published.strategy?.id;
      const mine = strategyId === undefined ? [] : await store.applications.listAllOfDeveloper(developer.id);
      const usable = await Promise.all(
        mine
          .filter((application) => application.status === 'active' && application.auth_strategy_id === strategyId)
          .map(async (application): Promise<UsableApplication> => {
            const status = (await registrationOf(developer, application.id, published.service))?.status ?? null;
            return { id: application.id, name: application.name, registration_status: status, can_request: status === null || !isOpen(status) };
          }),
      );
      return { api: apiPageOf(published), applications: usable };
    },

    /** Pending until an admin approves it, unless the API approves at once; a second request while one is open is 409. */
    async requestAccess(apiId: string, developer: Developer, applicationId: string | undefined, actor: Actor): Promise<{ api: ApiPage; registration: Registration }> {
      if (!applicationId) throw InvalidInput.field('application_id', 'choose one of your applications');
      const published = await products.productOfVersion(apiId, developer);
      const earlier = await registrationOf(developer, applicationId, published.service);
      if (earlier && isOpen(earlier.status)) {
        throw new Conflict(`This application already has a request for ${published.api.name}: it is ${earlier.status}.`);
      }
      const registration = await registrations.request(developer, applicationId, { service: published.service }, actor);
      return { api: apiPageOf(published), registration };
    },
  };
}

export type ApiPages = ReturnType<typeof apiPages>;
