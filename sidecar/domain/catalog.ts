import { PORTAL } from '../defaults';
import type { Store } from '../store';
import type { Actor } from '../store/audit';
import type { Api, Publication } from '../store/records';
import { differences } from './drift';
import { InvalidInput, NotFound, orConflict } from './errors';
import type { ServiceCatalog } from './services';
import { type ListBody, listPage } from './shapes/common';
import type { Implementation } from './shapes/drift';
import type { ApiInput, ApiListQuery, PresentedApi, PresentedPublication, PublicationInput } from './shapes/catalog';

/** `My API v2` -> `my-api-v2`, as Konnect derives a slug from a name. */
const slugOf = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'api';

export function presentPublication(publication: Publication): PresentedPublication {
  return {
    api_id: publication.api_id,
    portal_id: publication.portal_id,
    auth_strategy_ids: publication.auth_strategy_id === null ? [] : [publication.auth_strategy_id],
    visibility: publication.visibility,
    auto_approve_registrations: publication.auto_approve_registrations,
    created_at: publication.created_at,
    updated_at: publication.updated_at,
  };
}

/** 404 for any portal but ours. */
export function checkPortal(portalId: string): void {
  if (portalId !== PORTAL.id) throw new NotFound('portal', portalId);
}

/** The API catalog: each API a gateway service by name, published to the portal with one auth strategy. */
export function catalogService(store: Store, services: ServiceCatalog) {
  const present = async (api: Api): Promise<PresentedApi> => {
    const published = await store.publications.get(api.id, PORTAL.id);
    return {
      id: api.id,
      name: api.name,
      description: api.description,
      version: api.version,
      slug: api.slug,
      api_spec_ids: api.spec_content === null ? [] : [api.id],
      portals: published ? [{ id: PORTAL.id, name: PORTAL.name, display_name: PORTAL.display_name }] : [],
      labels: api.labels,
      attributes: api.attributes,
      created_at: api.created_at,
      updated_at: api.updated_at,
    };
  };
  const get = async (id: string): Promise<Api> => {
    const api = await store.apis.get(id);
    if (!api) throw new NotFound('API', id);
    return api;
  };
  const publicationOf = async (apiId: string, portalId: string): Promise<Publication> => {
    checkPortal(portalId);
    await get(apiId);
    const publication = await store.publications.get(apiId, portalId);
    if (!publication) throw new NotFound('publication of API', apiId, `in portal ${portalId} does not exist`);
    return publication;
  };

  return {
    /** The API with its OpenAPI document (for the portal's spec pages). */
    get,
    present: async (id: string) => present(await get(id)),
    async create(input: ApiInput, actor: Actor): Promise<PresentedApi> {
      await services.check(input.name);
      const api = await orConflict(
        () =>
          store.transaction(async (tx) => {
            const created = await tx.apis.create({
            name: input.name,
            description: input.description ?? null,
            version: input.version ?? null,
            slug: input.slug ?? slugOf(input.name),
            spec_content: input.spec_content ?? null,
            labels: input.labels ?? {},
            attributes: input.attributes ?? {},
            });
            // The OpenAPI document is the API's content, not a change worth copying into the trail.
            const { spec_content: _spec, ...recorded } = created;
            await tx.audit.record(actor, { action: 'api.created', resource_type: 'api', resource_id: created.id, after: recorded });
            return created;
          }),
        { unique: `an API named ${input.name} (or with its slug) already exists` },
      );
      return present(api);
    },
    /** Replaces the API's description, version and OpenAPI document (the console's edit). */
    async update(id: string, changes: Pick<Api, 'description' | 'version' | 'spec_content'>, actor: Actor): Promise<Api> {
      const before = await get(id);
      return store.transaction(async (tx) => {
        const updated = await tx.apis.update(id, changes);
        if (!updated) throw new NotFound('API', id);
        // As at creation: the document is the API's content, not worth copying into the trail.
        const { spec_content: _before, ...recordedBefore } = before;
        const { spec_content: _after, ...recordedAfter } = updated;
        await tx.audit.record(actor, { action: 'api.updated', resource_type: 'api', resource_id: id, before: recordedBefore, after: recordedAfter });
        return updated;
      });
    },
    async list(query: ApiListQuery): Promise<ListBody<PresentedApi>> {
      const page = await listPage(query, (p) => store.apis.list(p, { name: query['filter[name]'] }), (api) => api);
      return { ...page, data: await Promise.all(page.data.map(present)) };
    },
    /**
     * The API's implementation: its kong.yml service, that service's okta-auth config, and (as Konnect's
     * auth_strategy_sync_error) every way it differs from the auth strategy the API is published with.
     */
    async implementations(apiId: string): Promise<ListBody<Implementation>> {
      const api = await get(apiId);
      const gateway = await services.oktaAuthOf(api.name);
      const publication = await store.publications.get(api.id, PORTAL.id);
      const strategy = publication?.auth_strategy_id ? await store.strategies.get(publication.auth_strategy_id) : undefined;
      const syncError = (): Implementation['service']['auth_strategy_sync_error'] => {
        if (!strategy) return undefined;
        if (!gateway.checked) return { message: 'the sidecar cannot read kong.yml (SIDECAR_KONG_DECLARATIVE_CONFIG is unset)', differences: [] };
        if (!gateway.config) return { message: `service ${api.name} has no okta-auth plugin in kong.yml`, differences: [] };
        const found = differences(strategy, gateway.config);
        if (found.length === 0) return undefined;
        const fields = found.map((d) => d.field).join(', ');
        return { message: `okta-auth of service ${api.name} differs from auth strategy ${strategy.name} in ${fields}`, differences: found };
      };
      const error = syncError();
      const implementation: Implementation = {
        id: api.id,
        api_id: api.id,
        service: { name: api.name, okta_auth: gateway.config ?? null, ...(error && { auth_strategy_sync_error: error }) },
      };
      return { data: [implementation], meta: { page: { number: 1, size: 10, total: 1 } } };
    },
    getPublication: async (apiId: string, portalId: string) => presentPublication(await publicationOf(apiId, portalId)),
    /** Publishes the API (created: true) or replaces its publication's settings; what a field leaves out is its default. */
    async publish(apiId: string, portalId: string, input: PublicationInput, actor: Actor): Promise<{ created: boolean; publication: PresentedPublication }> {
      checkPortal(portalId);
      await get(apiId);
      const strategyId = input.auth_strategy_ids?.[0] ?? null;
      if (strategyId !== null && !(await store.strategies.get(strategyId))) {
        throw InvalidInput.field('auth_strategy_ids', `auth strategy ${strategyId} does not exist`);
      }
      return store.transaction(async (tx) => {
        const before = await tx.publications.get(apiId, portalId);
        const publication = await tx.publications.put(apiId, portalId, {
          auth_strategy_id: strategyId,
          visibility: input.visibility ?? 'private',
          auto_approve_registrations: input.auto_approve_registrations ?? null,
        });
        await tx.audit.record(actor, { action: 'publication.put', resource_type: 'publication', resource_id: apiId, before: before ?? null, after: publication });
        return { created: before === undefined, publication: presentPublication(publication) };
      });
    },
    async unpublish(apiId: string, portalId: string, actor: Actor): Promise<void> {
      const before = await publicationOf(apiId, portalId);
      await store.transaction(async (tx) => {
        if (!(await tx.publications.delete(apiId, portalId))) throw new NotFound('publication of API', apiId);
        await tx.audit.record(actor, { action: 'publication.deleted', resource_type: 'publication', resource_id: apiId, before });
      });
    },
  };
}

export type CatalogService = ReturnType<typeof catalogService>;
