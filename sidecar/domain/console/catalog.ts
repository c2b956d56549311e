import { PORTAL } from '../../defaults';
import type { Store } from '../../store';
import type { Actor } from '../../store/audit';
import type { AuthStrategy, Api, Publication } from '../../store/records';
import type { CatalogService } from '../catalog';
import { NotFound } from '../errors';
import type { ServiceCatalog } from '../services';
import type { Implementation } from '../shapes/drift';
import type { ServicePublication } from '../shapes/console';

/** A kong.yml service as the console's APIs page shows it: its API and publication if any, and their drift. */
export interface ServiceOverview {
  service: string;
  api: Api | undefined;
  publication: Publication | undefined;
  /** Konnect's auth_strategy_sync_error: how the service's okta-auth config differs from the API's strategy. */
  drift: Implementation['service']['auth_strategy_sync_error'];
}

export interface CatalogOverview {
  services: ServiceOverview[];
  /** The strategies an API can be published with. */
  strategies: AuthStrategy[];
  /** false: the sidecar cannot read kong.yml, so the APIs are listed without their services. */
  checked: boolean;
}

const orNull = (value: string) => (value.trim() === '' ? null : value);

/** The console's APIs page: every kong.yml service (and every API) with its publication, and publishing one. */
export function consoleCatalog(store: Store, catalog: CatalogService, services: ServiceCatalog) {
  return {
    async overview(): Promise<CatalogOverview> {
      const listed = await services.list();
      const apis = await store.apis.listAll();
      const names = [...new Set([...listed.data.map((s) => s.name), ...apis.map((a) => a.name)])].sort();
      const overviews = await Promise.all(
        names.map(async (service): Promise<ServiceOverview> => {
          const api = apis.find((a) => a.name === service);
          const publication = api && (await store.publications.get(api.id, PORTAL.id));
          const drift = api && (await catalog.implementations(api.id)).data[0]?.service.auth_strategy_sync_error;
          return { service, api, publication, drift };
        }),
      );
      return { services: overviews, strategies: await store.strategies.listAll(), checked: listed.meta.checked };
    },
    /** Creates the service's API when it has none (else replaces its description, version and document), then publishes it. */
    async publish(input: ServicePublication, actor: Actor): Promise<Publication> {
      const content = { description: orNull(input.description), version: orNull(input.version), spec_content: orNull(input.spec_content) };
      const existing = await store.apis.getByName(input.service);
      const apiId = existing?.id ?? (await catalog.create({ name: input.service }, actor)).id;
      const api = await catalog.update(apiId, content, actor);
      const autoApprove = { strategy: null, yes: true, no: false }[input.auto_approve];
      await catalog.publish(api.id, PORTAL.id, {
        auth_strategy_ids: input.auth_strategy_id === '' ? [] : [input.auth_strategy_id],
        visibility: input.visibility,
        auto_approve_registrations: autoApprove,
      }, actor);
      const publication = await store.publications.get(api.id, PORTAL.id);
      if (!publication) throw new NotFound('publication of API', api.id);
      return publication;
    },
  };
}

export type ConsoleCatalog = ReturnType<typeof consoleCatalog>;
