import type { FastifyInstance } from 'fastify';
import type { AccountService } from '../../domain/accounts';
import { registerPageKit } from '../../pages/kit';
import { acceptPortalSession } from '../auth';
import type { SessionCookie } from '../session-cookie';
import { accountPages } from './account-pages';
import { portalPageFace } from './face';

export interface PortalPageParts {
  accounts: AccountService;
  cookie: SessionCookie;
  ownOrigin: string;
}

/** The developer portal's pages, in a scope of their own: form bodies, templates and form CSRF stay in it. */
export function portalPages({ accounts, cookie, ownOrigin }: PortalPageParts) {
  return async (app: FastifyInstance) => {
    app.addHook('onRequest', acceptPortalSession(accounts.sessions, cookie));
    await registerPageKit(app, portalPageFace(ownOrigin, accounts.preSessions));
    await app.register(accountPages(accounts, cookie));
  };
}
