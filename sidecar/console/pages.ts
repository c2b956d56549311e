import type { FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import type { PreSessions } from '../domain/accounts/pre-sessions';
import type { DeveloperStatuses } from '../domain/accounts/developer-status';
import type { ApplicationService } from '../domain/applications';
import type { AuditService } from '../domain/audit';
import type { AuthStrategyService } from '../domain/auth-strategies';
import type { ConsoleAccess } from '../domain/console/access';
import type { ConsoleCatalog } from '../domain/console/catalog';
import type { ProviderForms } from '../domain/console/provider-forms';
import type { StrategyForms } from '../domain/console/strategy-forms';
import type { ConsoleViews } from '../domain/console/views';
import type { DcrProviderService } from '../domain/dcr-providers';
import type { DeveloperService } from '../domain/developers';
import type { Reconciler } from '../domain/reconcile';
import type { RegistrationService } from '../domain/registrations';
import type { StrategyVerifier } from '../domain/strategy-verification';
import { registerPageKit } from '../pages/kit';
import { sessionCookie } from '../portal/session-cookie';
import { applicationPages } from './application-pages';
import { auditPages } from './audit-pages';
import { catalogPages } from './catalog-pages';
import { developerPages } from './developer-pages';
import { providerPages } from './provider-pages';
import { reconcilePages } from './reconcile-pages';
import { registrationPages } from './registration-pages';
import { resolveConsoleSessions } from './session';
import { signInPages } from './sign-in-pages';
import { strategyPages } from './strategy-pages';

/** What the console's pages call: the domain operations, and the console's own origin for its form checks. */
export interface ConsoleDomain {
  ownOrigin: string;
  access: ConsoleAccess;
  preSessions: PreSessions;
  developers: DeveloperService;
  statuses: DeveloperStatuses;
  views: ConsoleViews;
  registrations: RegistrationService;
  applications: ApplicationService;
  providers: DcrProviderService;
  providerForms: ProviderForms;
  strategies: AuthStrategyService;
  strategyForms: StrategyForms;
  strategyVerifier: StrategyVerifier;
  catalog: ConsoleCatalog;
  reconciler: Reconciler;
  audit: AuditService;
}

/** The navigation of a signed-in console, in the order of an admin's day. */
const NAV = [
  { href: '/admin/developers', label: 'Developers' },
  { href: '/admin/registrations', label: 'Registration requests' },
  { href: '/admin/applications', label: 'Applications' },
  { href: '/admin/dcr-providers', label: 'DCR providers' },
  { href: '/admin/auth-strategies', label: 'Auth strategies' },
  { href: '/admin/apis', label: 'APIs' },
  { href: '/admin/reconcile', label: 'Reconcile' },
  { href: '/admin/audit', label: 'Audit log' },
];

/**
 * The admin console at `/admin/` on the sidecar's listener: server-rendered pages on the page kit, signed in with
 * the admin token to a `console_session`. Its own scope: the cookie, form bodies and page refusals stay here,
 * and the admin API beside it keeps taking only bearer tokens and JSON.
 */
export function consolePages(domain: ConsoleDomain) {
  return async (app: FastifyInstance) => {
    const secure = domain.ownOrigin.startsWith('https:');
    const consoleCookie = sessionCookie('console', secure);
    await app.register(cookie);
    resolveConsoleSessions(app, domain.access, consoleCookie);
    await registerPageKit(app, {
      face: 'console',
      ownOrigin: domain.ownOrigin,
      secureCookies: secure,
      preSessions: domain.preSessions,
      sessionToken: (request) => request.consoleSession?.session.csrfToken,
      product: 'Admin console',
      assetPrefix: '/admin/assets/',
      home: '/admin/',
      signOutAction: '/admin/sign-out',
      nav: (request) => (request.consoleSession ? NAV : []),
      viewer: (request) => (request.consoleSession ? { name: 'Admin' } : undefined),
    });
    await app.register(signInPages(domain.access, consoleCookie));
    await app.register(developerPages(domain));
    await app.register(registrationPages(domain));
    await app.register(applicationPages(domain));
    await app.register(providerPages(domain));
    await app.register(strategyPages(domain));
    await app.register(catalogPages(domain));
    await app.register(reconcilePages(domain));
    await app.register(auditPages(domain));
  };
}
