import type { FastifyInstance } from 'fastify';
import type { AccountSessions } from '../domain/accounts/sessions';
import { absentFeatures } from '../domain/portal-features';
import { AnalyticsConfig, PortalAppearance } from '../domain/shapes/portal-features';
import { operation } from '../routes/schemas';
import { requirePortalSession } from './auth';
import type { SessionCookie } from './session-cookie';

/** Portal API v2 operations of features the portal does not have, answered as a portal without them answers. */
export function absentFeatureRoutes(sessions: AccountSessions, cookie: SessionCookie) {
  const signedIn = requirePortalSession(sessions, cookie);
  return async (app: FastifyInstance) => {
    app.get('/api/v2/portal/appearance', operation(undefined, { summary: 'Portal appearance', description: 'texts only: no logo, cover or stylesheet', tags: ['portal'], response: { 200: PortalAppearance } }), async () =>
      absentFeatures.appearance(),
    );
    app.get('/api/v2/portal/logo', operation(undefined, { summary: 'Portal logo', description: 'none: always 404', tags: ['portal'], response: {}, errors: [404] }), async () =>
      absentFeatures.logo(),
    );
    app.get('/api/v2/portal/catalog-cover', operation(undefined, { summary: 'Portal catalog cover', description: 'none: always 404', tags: ['portal'], response: {}, errors: [404] }), async () =>
      absentFeatures.catalogCover(),
    );
    app.get('/api/v2/developer/authenticate/sso', operation(undefined, { summary: 'Authenticate SSO', description: 'no single sign-on: always 400', tags: ['developer'], response: {}, errors: [400] }), async () =>
      absentFeatures.singleSignOn(),
    );
    app.get('/api/v2/stats/config', { ...operation(undefined, { summary: 'Application analytics config', tags: ['analytics'], security: [{ portalAccessToken: [] }], response: { 200: AnalyticsConfig }, errors: [401] }), onRequest: signedIn }, async () =>
      absentFeatures.analyticsConfig(),
    );
    app.post('/api/v2/stats', { ...operation(undefined, { summary: 'Query application analytics', description: 'no analytics: always 403', tags: ['analytics'], security: [{ portalAccessToken: [] }], response: {}, errors: [401, 403] }), onRequest: signedIn }, async () =>
      absentFeatures.analyticsQuery(),
    );
  };
}
