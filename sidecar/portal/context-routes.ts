import type { FastifyInstance } from 'fastify';
import { ORG_ID, PORTAL_ID } from '../domain/portal';
import type { Store } from '../store';
import { PortalContext } from '../domain/shapes/portal';
import { operation } from '../routes/schemas';

/**
 * `GET /api/v2/portal`: a private portal (`is_public: false`: Kong's portal front end offers applications only
 * then) with email and password sign-in and no SSO, RBAC or analytics.
 */
export function portalContextRoutes(store: Store, portalUrl: string) {
  const context = async (): Promise<PortalContext> => ({
    portal_id: PORTAL_ID,
    org_id: ORG_ID,
    featureset_id: 'self-hosted',
    feature_set: 'self-hosted',
    basic_auth_enabled: true,
    oidc_auth_enabled: false,
    is_public: false,
    rbac_enabled: false,
    dcr_provider_ids: (await store.providers.listAll()).map((provider) => provider.id),
    allowed_time_period: '',
    name: 'Developer Portal',
    canonical_domain: new URL(portalUrl).host,
  });
  return async (app: FastifyInstance) => {
    app.get('/api/v2/portal', operation(undefined, { summary: 'Get portal context', tags: ['portal'], response: { 200: PortalContext } }), context);
  };
}
