import { PORTAL } from '../defaults';
import { Forbidden, InvalidInput, ProblemError } from './errors';
import type { AnalyticsConfig, PortalAppearance } from './shapes/portal-features';

/**
 * Portal API v2 operations for features this portal does not have, answered as Konnect answers for a portal
 * without them: no custom appearance, logo or cover image, no single sign-on, no application analytics.
 */
export const absentFeatures = {
  /** Only the texts: no logo, cover or stylesheet is configured, so the front end keeps its own. */
  appearance: (): PortalAppearance => ({
    variables: { catalog: { primary_header: { text: PORTAL.display_name }, welcome_message: { text: 'The APIs you can register an application for.' } } },
  }),
  logo(): never {
    throw new ProblemError(404, 'this portal has no logo image');
  },
  catalogCover(): never {
    throw new ProblemError(404, 'this portal has no catalog cover image');
  },
  singleSignOn(): never {
    throw InvalidInput.field('oidc_auth_enabled', 'is false: this portal has no single sign-on, sign in with email and password');
  },
  analyticsConfig: (): AnalyticsConfig => ({ analytics: null }),
  analyticsQuery(): never {
    throw new Forbidden('this portal has no application analytics (GET /api/v2/stats/config answers analytics: null)');
  },
};
