import type { FastifyInstance } from 'fastify';
import type { ApplicationUseCases } from '../../app';
import type { AccountService } from '../../domain/accounts';
import { apiPages } from '../../domain/api-pages';
import { myApplications } from '../../domain/my-applications';
import { portalProducts } from '../../domain/portal-products';
import type { Store } from '../../store';
import { registerPageKit } from '../../pages/kit';
import { acceptPortalSession } from '../auth';
import type { SessionCookie } from '../session-cookie';
import { accountPages } from './account-pages';
import { applicationPages } from './application-pages';
import { catalogPages } from './catalog-pages';
import { portalPageFace } from './face';

export interface PortalPageParts {
  store: Store;
  useCases: ApplicationUseCases;
  accounts: AccountService;
  cookie: SessionCookie;
  ownOrigin: string;
  gatewayUrl: string | undefined;
}

/** The developer portal's pages, in a scope of their own: form bodies, templates and form CSRF stay in it. */
export function portalPages({ store, useCases, accounts, cookie, ownOrigin, gatewayUrl }: PortalPageParts) {
  return async (app: FastifyInstance) => {
    // Pages are not operations of Portal API v2: they stay out of the listener's OpenAPI document.
    app.addHook('onRoute', (route) => {
      route.schema = { ...route.schema, hide: true };
    });
    app.addHook('onRequest', acceptPortalSession(accounts.sessions, cookie));
    await registerPageKit(app, portalPageFace(ownOrigin, accounts.preSessions));
    await app.register(accountPages(accounts, cookie));
    await app.register(applicationPages({ ...useCases, mine: myApplications(store, useCases.applications), gatewayUrl }));
    const products = portalProducts(store);
    await app.register(catalogPages(products, apiPages(store, products, useCases.registrations)));
  };
}
