import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { DEFAULTS } from './defaults';
import type { Store } from './store';
import { type CreationLimit, applicationCreation } from './domain/application-creation';
import { type ApplicationDeletion, type DeletionBackoff, applicationDeletion } from './domain/application-deletion';
import { type ApplicationService, applicationService } from './domain/applications';
import { auditService } from './domain/audit';
import { authStrategyService } from './domain/auth-strategies';
import { catalogService } from './domain/catalog';
import { dcrProviderService } from './domain/dcr-providers';
import { developerService } from './domain/developers';
import { type AccountOptions, accountService } from './domain/accounts';
import { applicationByClientId } from './domain/gateway-lookup';
import { startHousekeeping } from './domain/housekeeping';
import { type LateRegistrationCleanup, lateRegistrationCleanup } from './domain/late-registrations';
import { reconciler } from './domain/reconcile';
import { consoleAccess } from './domain/console/access';
import { consoleCatalog } from './domain/console/catalog';
import { providerForms } from './domain/console/provider-forms';
import { strategyForms } from './domain/console/strategy-forms';
import { consoleViews } from './domain/console/views';
import { strategyVerifier } from './domain/strategy-verification';
import { portalService } from './domain/portal-admin';
import { type RegistrationService, registrationService } from './domain/registrations';
import { serviceCatalog } from './domain/services';
import { consolePages } from './console/pages';
import { kongDeclarativeServices } from './gateway/kong-declarative';
import { accessControl } from './http/auth';
import { acceptEmptyJsonBody } from './http/empty-json-body';
import { httpListener } from './http/listener';
import { registerMetrics } from './http/metrics';
import { type DriverRegistry, drivers as defaultDrivers } from './idp/registry';
import { applicationRoutes } from './routes/applications';
import { auditRoutes } from './routes/audit';
import { authStrategyRoutes } from './routes/auth-strategies';
import { catalogRoutes } from './routes/catalog';
import { dcrProviderRoutes } from './routes/dcr-providers';
import { developerRoutes } from './routes/developers';
import { healthRoutes } from './routes/health';
import { internalRoutes } from './routes/internal';
import { portalOpenApiDocument } from './portal/app';
import { portalDocsRoutes } from './routes/portal-docs';
import { portalRoutes } from './routes/portals';
import { portalDeveloperRoutes } from './routes/portal-developers';
import { reconcileRoutes } from './routes/reconcile';
import { registrationRoutes } from './routes/registrations';
import { serviceRoutes } from './routes/services';

/** How the app is built; every option left out takes its value from `DEFAULTS`. */
export interface AppOptions {
  store: Store;
  adminToken: string;
  gatewayToken: string;
  /** Developer accounts: the mail transport and the settings (admin-created developers get an invitation). */
  accounts: AccountOptions;
  /** The provider types on offer (default: every driver). */
  drivers?: DriverRegistry;
  /** Total deadline of one IdP operation, retries included. */
  idpTimeoutMs?: number;
  /** The name prefix of our clients at the IdP. */
  clientNamePrefix?: string;
  /** Application creations allowed per developer per window. */
  creationLimit?: CreationLimit;
  /** Backoff of IdP clean-up retries: client deletions and uncertain registration checks. */
  deletionBackoff?: DeletionBackoff;
  /** How long after a registration that got no answer to look for its client at the IdP. */
  lateRegistrationCheckDelayMs?: number;
  /** How often the background pass retries due deletions and purges expired records; 0 = never (tests drive
   * `app.deletion` themselves). */
  housekeepingIntervalMs?: number;
  /** The sidecar's own URL as browsers reach it: the admin console's origin, the only one its forms are taken from. */
  consoleUrl?: string;
  /** Kong's declarative file: registrations must name one of its services. Unset: any name is accepted. */
  kongDeclarativeConfig?: string;
  /** Peers whose X-Forwarded-For names the client (the audit trail's address); unset: the socket's address. */
  trustedProxies?: string[];
  /** Where JSON logs go (default stdout); tests capture them. */
  logStream?: NodeJS.WritableStream;
  logLevel?: string;
}

export interface ApplicationUseCases {
  applications: ApplicationService;
  registrations: RegistrationService;
}

/** Header and body paths that can hold a secret: censored in every log line even if something logs them. */
const REDACTED = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["idempotency-key"]',
  'err.config.headers',
  'err.config.data',
  'err.response.config',
];

const SECURITY_SCHEMES = {
  admin: { type: 'http', scheme: 'bearer', description: 'the admin token (SIDECAR_ADMIN_TOKEN)' },
  developer: { type: 'http', scheme: 'bearer', description: 'a developer token (kdcr_dev_..., from POST /v2/developers)' },
  gateway: { type: 'http', scheme: 'bearer', description: 'the gateway token (SIDECAR_GATEWAY_TOKEN), for the gateway plugin' },
} as const;

declare module 'fastify' {
  interface FastifyInstance {
    /** The application deletion use case (tests run retry passes through it). */
    deletion: ApplicationDeletion;
    /** The checks of registrations that got no answer (tests run passes through it). */
    lateRegistrations: LateRegistrationCleanup;
    /** The application use cases, which the portal's listener serves too (in Portal API v2 shapes). */
    useCases: ApplicationUseCases;
  }
}

/** Builds the sidecar without listening: `server.ts` listens, tests use `app.inject`. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = httpListener({ redact: REDACTED, ...options });
  acceptEmptyJsonBody(app);
  const metrics = registerMetrics(app);

  await app.register(swagger, {
    openapi: {
      info: { title: 'kong-okta-dcr sidecar', version: '1' },
      components: { securitySchemes: SECURITY_SCHEMES },
    },
    // Shared schemas under their own names (`Problem`), not def-0, def-1...
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const { store } = options;
  const drivers = options.drivers ?? defaultDrivers;
  const idpTimeoutMs = options.idpTimeoutMs ?? DEFAULTS.idpTimeoutMs;
  const creationLimit = options.creationLimit ?? DEFAULTS.creationLimit;
  const clientNamePrefix = options.clientNamePrefix ?? DEFAULTS.clientNamePrefix;
  const backoff = options.deletionBackoff ?? DEFAULTS.deletionBackoff;

  const providers = dcrProviderService(store, drivers, { timeoutMs: idpTimeoutMs });
  const accounts = accountService(store, options.accounts);
  // A background job (one deletion, one check: a listing and a delete) makes at most a few IdP calls, each
  // within the deadline; past this lease another replica may take over the job of one that died.
  const jobLeaseMs = 3 * idpTimeoutMs;
  // A creation makes at most two IdP calls, each within the deadline: the registration and, if the write fails, the delete.
  const slotHoldMs = 2 * idpTimeoutMs;
  const lateRegistrations = lateRegistrationCleanup(store, providers, app.log, {
    checkDelayMs: options.lateRegistrationCheckDelayMs ?? DEFAULTS.lateRegistrationCheckDelayMs,
    idpTimeoutMs,
    attemptMs: slotHoldMs,
    backoff,
    leaseMs: jobLeaseMs,
  });
  const deletion = applicationDeletion(store, providers, app.log, backoff, jobLeaseMs);
  // Past the slot's hold, so that a retry taking over the key of a creation whose replica died finds its slot free.
  const idempotencyLeaseMs = slotHoldMs + idpTimeoutMs;
  const create = applicationCreation(
    store,
    providers,
    lateRegistrations,
    { limit: creationLimit, clientNamePrefix, slotHoldMs, idempotencyLeaseMs, idpTimeoutMs },
    app.log,
  );
  const applications = applicationService(store, providers, create, deletion);
  const gatewayServices = options.kongDeclarativeConfig ? await kongDeclarativeServices(options.kongDeclarativeConfig, app.log) : undefined;
  const services = serviceCatalog(gatewayServices);
  const access = accessControl({ admin: options.adminToken, gateway: options.gatewayToken }, store.developers.getByTokenHash);

  const strategies = authStrategyService(store);
  const developers = developerService(store, deletion, accounts.passwords.invite);
  const registrations = registrationService(store, applications, services);
  const catalog = catalogService(store, services);
  const audit = auditService(store, applications);
  const reconcile = reconciler(store, providers, clientNamePrefix);

  await app.register(healthRoutes(() => store.ping(), metrics));
  await app.register(dcrProviderRoutes(providers, Object.keys(drivers), access.admin));
  await app.register(authStrategyRoutes(strategies, access.admin));
  await app.register(developerRoutes(developers, access.admin));
  await app.register(portalDeveloperRoutes(accounts.statuses, access.admin));
  await app.register(applicationRoutes(applications, access));
  const useCases = { applications, registrations };
  await app.register(portalDocsRoutes(() => portalOpenApiDocument({ store, accounts: options.accounts, useCases })));
  await app.register(registrationRoutes(registrations, access));
  await app.register(catalogRoutes(catalog, access.admin));
  await app.register(portalRoutes(portalService(store, registrations, options.accounts.settings), access.admin));
  await app.register(auditRoutes(audit, access));
  await app.register(serviceRoutes(services, access.adminOrDeveloper));
  // The gateway looks up every client ID it has not cached: two log lines each would cost more than the lookup.
  await app.register(internalRoutes((clientId) => applicationByClientId(store, clientId), access.gateway), { logLevel: 'warn' });
  await app.register(reconcileRoutes(reconcile, access.admin));
  await app.register(
    consolePages({
      ownOrigin: new URL(options.consoleUrl ?? DEFAULTS.consoleUrl).origin,
      access: consoleAccess(store, options.accounts.settings, options.adminToken),
      preSessions: accounts.preSessions,
      developers,
      statuses: accounts.statuses,
      views: consoleViews(store),
      registrations,
      applications,
      providers,
      providerForms: providerForms(providers, drivers),
      strategies,
      strategyForms: strategyForms(strategies),
      strategyVerifier: strategyVerifier(strategies, providers, idpTimeoutMs),
      catalog: consoleCatalog(store, catalog, services),
      reconciler: reconcile,
      audit,
    }),
  );

  const housekeepingMs = options.housekeepingIntervalMs ?? DEFAULTS.housekeepingIntervalMs;
  if (housekeepingMs > 0) {
    const stop = startHousekeeping(
      store,
      { deletion, lateRegistrations, accounts },
      { intervalMs: housekeepingMs, creationWindowMs: creationLimit.windowMs },
      app.log,
    );
    app.addHook('onClose', async () => stop());
  }
  app.decorate('deletion', deletion);
  app.decorate('lateRegistrations', lateRegistrations);
  app.decorate('useCases', useCases);
  return app;
}
