import { PORTAL } from '../../defaults';
import type { Store } from '../../store';
import type { Actor } from '../../store/audit';
import type { Api, AuthStrategy, Publication } from '../../store/records';
import type { CatalogService } from '../catalog';
import { NotFound } from '../errors';
import type { ServiceCatalog } from '../services';
import type { ServicePublication } from '../shapes/console';
import type { Implementation } from '../shapes/drift';

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
  /** The strategies an API can be published with (also: their names for the page). */
  strategies: AuthStrategy[];
  /** false: the sidecar cannot read kong.yml; only the APIs made so far are listed. */
  checked: boolean;
}

const orNull = (value: string | undefined) => (value === undefined || value.trim() === '' ? null : value);

/** The console's APIs page: every kong.yml service (and every API) with its publication, and publishing one. */
export function consoleCatalog(store: Store, catalog: CatalogService, services: ServiceCatalog) {
  const overviewOf = async (service: string, api: Api | undefined): Promise<ServiceOverview> => {
    const publication = api && (await store.publications.get(api.id, PORTAL.id));
    const drift = api && (await catalog.implementations(api.id)).data[0]?.service.auth_strategy_sync_error;
    return { service, api, publication, drift };
  };

  return {
    async overview(): Promise<CatalogOverview> {
      const listed = await services.list();
      const apis = await store.apis.listAll();
      const names = [...new Set([...listed.data.map((s) => s.name), ...apis.map((a) => a.name)])].sort();
      const overviews = await Promise.all(names.map((name) => overviewOf(name, apis.find((a) => a.name === name))));
      return { services: overviews, strategies: await store.strategies.listAll(), checked: listed.meta.checked };
    },
    /** What the publish form of one service shows: its API and publication if any, and the strategies to pick from. */
    async publicationOf(service: string): Promise<ServiceOverview & { strategies: AuthStrategy[] }> {
      await services.check(service);
      const overview = await overviewOf(service, await store.apis.getByName(service));
      return { ...overview, strategies: await store.strategies.listAll() };
    },
    /** Creates the service's API when it has none, sets its description, version and document, and publishes it. */
    async publish(service: string, input: ServicePublication, actor: Actor): Promise<Publication> {
      const existing = await store.apis.getByName(service);
      const apiId = existing?.id ?? (await catalog.create({ name: service }, actor)).id;
      await catalog.update(apiId, { description: orNull(input.description), version: orNull(input.version), spec_content: orNull(input.spec_content) }, actor);
      const autoApprove = { strategy: null, yes: true, no: false }[input.auto_approve];
      await catalog.publish(
        apiId,
        PORTAL.id,
        {
          auth_strategy_ids: input.auth_strategy_id ? [input.auth_strategy_id] : [],
          visibility: input.visibility,
          auto_approve_registrations: autoApprove,
        },
        actor,
      );
      const publication = await store.publications.get(apiId, PORTAL.id);
      if (!publication) throw new NotFound('publication of API', apiId);
      return publication;
    },
  };
}

export type ConsoleCatalog = ReturnType<typeof consoleCatalog>;
