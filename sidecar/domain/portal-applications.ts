import type { Store } from '../store';
import type { Actor } from '../store/audit';
import type { Application, AuthStrategy, Developer } from '../store/records';
import { incompleteAnswer } from './application-creation';
import type { ApplicationService } from './applications';
import { presentAuthStrategy } from './portal-products';
import { Forbidden, InvalidInput, NotFound, Unprocessable } from './errors';
import type { ApplicationInput } from './shapes/applications';
import { type ListBody, type PageQuery, pageRequest } from './shapes/common';
import type {
  ApplicationListQuery,
  ClientCredentials,
  CreateApplicationPayload,
  CreatedApplication,
  PortalApplication,
  UpdateApplicationPayload,
} from './shapes/portal-applications';

/** The contract's name for a field of ours: the client ID is Konnect's `reference_id` here. */
const PORTAL_FIELDS: Record<string, string> = { client_id: 'reference_id' };

/** The same refusal in the portal's field names. */
function inPortalTerms(error: unknown): unknown {
  if (!(error instanceof InvalidInput) || !error.extras.invalid_parameters) return error;
  return new InvalidInput(error.extras.invalid_parameters.map((p) => ({ field: PORTAL_FIELDS[p.field] ?? p.field, reason: p.reason })));
}

function presentPortalApplication(
  application: Pick<Application, 'id' | 'name' | 'description' | 'client_id' | 'redirect_uris' | 'auth_strategy_id' | 'created_at' | 'updated_at'>,
  strategy: AuthStrategy | undefined,
): PortalApplication {
  return {
    id: application.id,
    name: application.name,
    reference_id: application.client_id,
    description: application.description,
    redirect_uri: application.redirect_uris[0] ?? null,
    auth_strategy: strategy ? presentAuthStrategy(strategy) : null,
    created_at: application.created_at,
    updated_at: application.updated_at,
  };
}

/**
 * The developer's own application as the portal shows it: one being deleted (its IdP client not yet gone) is
 * already gone for the portal, which answered its deletion with a 204.
 */
export async function ownApplication(applications: Pick<ApplicationService, 'reach'>, developer: Developer, id: string): Promise<Application> {
  const application = await applications.reach({ role: 'developer', developer }, id);
  if (application.status === 'pending_deletion') throw new NotFound('application', id);
  return application;
}

/**
 * Portal API v2 applications and their credentials, for the signed-in developer: the /v2 application use cases
 * (creation with DCR or a proven self-managed client, idempotency, deletion at the IdP) in Konnect's portal
 * shapes. The portal allows no credentials beyond the application's client: none are listed, none created.
 */
export function portalApplicationService(store: Store, applications: ApplicationService) {
  const caller = (developer: Developer) => ({ role: 'developer', developer }) as const;
  const own = (developer: Developer, id: string) => ownApplication(applications, developer, id);
  const present = async (application: Parameters<typeof presentPortalApplication>[0]) =>
    presentPortalApplication(application, await store.strategies.get(application.auth_strategy_id));

  return {
    async list(developer: Developer, query: ApplicationListQuery): Promise<ListBody<PortalApplication>> {
      const page = await applications.page(caller(developer), query, {
        name: query['filter[name][eq]'] ?? query['filter[name]'],
        name_contains: query['filter[name][contains]'],
        auth_strategy_id: query['filter[auth_strategy_id][eq]'] ?? query['filter[auth_strategy_id]'],
        status_not: 'pending_deletion',
      });
      const strategyIds = [...new Set(page.data.map((a) => a.auth_strategy_id))];
      const strategies = new Map(await Promise.all(strategyIds.map(async (id) => [id, await store.strategies.get(id)] as const)));
      return { ...page, data: page.data.map((a) => presentPortalApplication(a, strategies.get(a.auth_strategy_id))) };
    },
    /**
     * Creates the application; `credentials` holds a registered client's ID and secret in this answer only. A
     * replay of an Idempotency-Key answers the same application without them (`replayed`).
     */
    async create(developer: Developer, payload: CreateApplicationPayload, actor: Actor, idempotencyKey?: string): Promise<{ application: CreatedApplication; replayed: boolean }> {
      if (!payload.auth_strategy_id) throw InvalidInput.field('auth_strategy_id', 'is required: this portal has no default auth strategy');
      const input: ApplicationInput = {
        name: payload.name,
        auth_strategy_id: payload.auth_strategy_id,
        ...(payload.description !== undefined && { description: payload.description }),
        ...(payload.redirect_uri !== undefined && { redirect_uris: [payload.redirect_uri] }),
        ...(payload.reference_id !== undefined && { client_id: payload.reference_id }),
        ...(payload.client_secret !== undefined && { client_secret: payload.client_secret }),
      };
      const created = await applications.create(developer, input, actor, idempotencyKey).catch((error: unknown) => Promise.reject(inPortalTerms(error)));
      const { client_secret: clientSecret } = created;
      return {
        application: {
          ...(await present(created)),
          ...(clientSecret !== undefined && { credentials: { client_id: created.client_id, client_secret: clientSecret } }),
        },
        replayed: created.replayed !== undefined,
      };
    },
    get: async (developer: Developer, id: string) => present(await own(developer, id)),
    /** Name and description change; the client ID and redirect URI are the IdP client's, taken only unchanged. */
    async update(developer: Developer, id: string, patch: UpdateApplicationPayload, actor: Actor): Promise<PortalApplication> {
      const current = await own(developer, id);
      if (patch.reference_id !== undefined && patch.reference_id !== current.client_id) {
        throw InvalidInput.field('reference_id', 'cannot change: it is the client ID at the IdP');
      }
      if (patch.redirect_uri !== undefined && patch.redirect_uri !== (current.redirect_uris[0] ?? null)) {
        throw InvalidInput.field('redirect_uri', "cannot change: it is the IdP client's");
      }
      const changes = {
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.description !== undefined && { description: patch.description }),
      };
      return present(await applications.update(developer, id, changes, actor));
    },
    /** Deleted now, or (while the IdP cannot delete its client) refused at the gateway and deleted in the background. */
    async delete(developer: Developer, id: string, actor: Actor): Promise<void> {
      await own(developer, id);
      await applications.delete(caller(developer), id, actor);
    },
    /** The client's new secret, in this answer only; the old one stops working at once. */
    async refreshToken(developer: Developer, id: string, actor: Actor): Promise<ClientCredentials> {
      await own(developer, id);
      const { client_id: clientId, client_secret: clientSecret } = await applications.refreshSecret(developer, id, actor);
      if (clientSecret === undefined) throw incompleteAnswer('new secret', 'client_secret');
      return { client_id: clientId, client_secret: clientSecret };
    },
    async listCredentials(developer: Developer, id: string, query: PageQuery): Promise<ListBody<never>> {
      await own(developer, id);
      return { data: [], meta: { page: { ...pageRequest(query), total: 0 } } };
    },
    async createCredential(developer: Developer, id: string): Promise<never> {
      await own(developer, id);
      throw new Forbidden("this portal allows no credentials beyond the application's client: use refresh-token for a new secret");
    },
    /** No strategy of this portal manages scopes per application: 422, as the contract answers an IdP without. */
    async grantedScopes(developer: Developer, id: string): Promise<never> {
      await own(developer, id);
      throw new Unprocessable("this portal's auth strategies grant no scopes per application: the strategy's scopes apply to every client");
    },
    /** There are no extra credentials: any credential id of one's own application is unknown. */
    async credential(developer: Developer, id: string, credentialId: string): Promise<never> {
      await own(developer, id);
      throw new NotFound('credential', credentialId);
    },
  };
}

export type PortalApplicationService = ReturnType<typeof portalApplicationService>;
