import type { FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import { type AccountOptions, accountService } from '../domain/accounts';
import { httpListener } from '../http/listener';
import type { ApplicationUseCases } from '../app';
import { portalApplicationService } from '../domain/portal-applications';
import { portalProducts } from '../domain/portal-products';
import { portalRegistrationService } from '../domain/portal-registrations';
import type { Store } from '../store';
import { absentFeatureRoutes } from './absent-feature-routes';
import { portalApplicationRoutes } from './application-routes';
import { requirePortalSession } from './auth';
import { portalRegistrationRoutes } from './registration-routes';
import { portalContextRoutes } from './context-routes';
import { enforceCsrfRules } from './csrf';
import { developerApiRoutes } from './developer-routes';
import { portalPages } from './pages';
import { productRoutes } from './product-routes';
import { sessionCookie } from './session-cookie';

export interface PortalAppOptions {
  store: Store;
  accounts: AccountOptions;
  /** The sidecar's application use cases (its listener builds them): the portal serves them to signed-in developers. */
  useCases: ApplicationUseCases;
  /** Front ends hosted elsewhere that may call `/api/v2` with the portal's cookie (credentialed CORS). */
  allowedOrigins: string[];
  /** The gateway's address as developers reach it (the pages' ready-to-run commands); unset: `$GATEWAY`. */
  gatewayUrl?: string;
  /** Peers whose X-Forwarded-For names the client (rate limits); empty: the socket's address. */
  trustedProxies: string[];
  logStream?: NodeJS.WritableStream;
  logLevel?: string;
}

const SECURITY_SCHEMES = {
  portalAccessToken: { type: 'apiKey', in: 'cookie', name: 'portal_session', description: 'the session of POST /api/v2/developer/authenticate' },
} as const;

/** Request parts that can hold a session id, a password or a client secret: censored in every log line. */
const REDACTED = ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', 'req.headers["idempotency-key"]', 'req.body'];

/**
 * The portal's listener: only `/api/v2` (and, with the pages, the portal's pages and assets). It shares the
 * store with the sidecar's listener but none of its routes: every admin, internal, docs and metrics path is a
 * 404 here.
 */
export async function buildPortalApp(options: PortalAppOptions): Promise<FastifyInstance> {
  const app = httpListener({ redact: REDACTED, ...options });
  // Collects the OpenAPI document only: it is served on the sidecar's listener (portalOpenApiDocument), never here.
  await app.register(swagger, {
    openapi: { info: { title: 'kong-okta-dcr developer portal (Portal API v2)', version: '2' }, components: { securitySchemes: SECURITY_SCHEMES } },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  const { settings } = options.accounts;
  const ownOrigin = new URL(settings.portalUrl).origin;
  await app.register(cookie);
  await app.register(cors, { origin: options.allowedOrigins, credentials: true });
  enforceCsrfRules(app, { own: ownOrigin, allowed: options.allowedOrigins });

  const accounts = accountService(options.store, options.accounts);
  const portalCookie = sessionCookie('portal', ownOrigin.startsWith('https:'));
  await app.register(developerApiRoutes(accounts, portalCookie));
  await app.register(portalContextRoutes(options.store, settings.portalUrl));
  const { store, useCases } = options;
  const products = portalProducts(store);
  await app.register(productRoutes(products, accounts.sessions, portalCookie));
  await app.register(portalPages({ store, useCases, accounts, cookie: portalCookie, ownOrigin, gatewayUrl: options.gatewayUrl }));
  await app.register(absentFeatureRoutes(accounts.sessions, portalCookie));
  const signedIn = requirePortalSession(accounts.sessions, portalCookie);
  await app.register(portalApplicationRoutes(portalApplicationService(store, useCases.applications), signedIn));
  const registrations = portalRegistrationService(store, useCases.applications, useCases.registrations, products);
  await app.register(portalRegistrationRoutes(registrations, signedIn));
  return app;
}

/** The portal listener's OpenAPI document, built from its routes without listening (the sidecar's listener serves it). */
export async function portalOpenApiDocument(options: Pick<PortalAppOptions, 'store' | 'accounts' | 'useCases'>): Promise<unknown> {
  const app = await buildPortalApp({ ...options, allowedOrigins: [], trustedProxies: [], logLevel: 'silent' });
  await app.ready();
  const document = app.swagger();
  await app.close();
  return document;
}
