import type { FastifyInstance } from 'fastify';
import type { AccountService } from '../../domain/accounts';
import type { ApiPages } from '../../domain/api-pages';
import type { PortalProducts } from '../../domain/portal-products';
import { registerPageKit } from '../../pages/kit';
import { acceptPortalSession } from '../auth';
import type { SessionCookie } from '../session-cookie';
import { accountPages } from './account-pages';
import { catalogPages } from './catalog-pages';
import { portalPageFace } from './face';

export interface PortalPageParts {
  accounts: AccountService;
  products: PortalProducts;
  apis: ApiPages;
  cookie: SessionCookie;
  ownOrigin: string;
}

/** The developer portal's pages, in a scope of their own: form bodies, templates and form CSRF stay in it. */
export function portalPages({ accounts, cookie, ownOrigin, products, apis }: PortalPageParts) {
  return async (app: FastifyInstance) => {
    app.addHook('onRequest', acceptPortalSession(accounts.sessions, cookie));
    await registerPageKit(app, portalPageFace(ownOrigin, accounts.preSessions));
    await app.register(accountPages(accounts, cookie));
    await app.register(catalogPages(products, apis));
  };
}
