import fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Store } from './store';
import { type ApplicationDeletion, type DeletionBackoff, applicationDeletion } from './domain/application-deletion';
import { CLIENT_NAME_PREFIX, type CreationLimit, applicationService } from './domain/applications';
import { authStrategyService } from './domain/auth-strategies';
import { dcrProviderService } from './domain/dcr-providers';
import { developerService } from './domain/developers';
import { startHousekeeping } from './domain/housekeeping';
import { type LateRegistrationCleanup, lateRegistrationCleanup } from './domain/late-registrations';
import { RECONCILE_GRACE_SECONDS, reconciler } from './domain/reconcile';
import { registrationService } from './domain/registrations';
import { requireAdminOrDeveloper, requireDeveloper, requireToken } from './http/auth';
import { type DriverRegistry, drivers as defaultDrivers } from './idp/registry';
import { applicationRoutes } from './routes/applications';
import { authStrategyRoutes } from './routes/auth-strategies';
import { dcrProviderRoutes } from './routes/dcr-providers';
import { developerRoutes } from './routes/developers';
import { internalRoutes } from './routes/internal';
import { reconcileRoutes } from './routes/reconcile';
import { registrationRoutes } from './routes/registrations';
import { registerProblemHandlers } from './http/problems';
import { registerMetrics } from './http/metrics';
import { healthRoutes } from './routes/health';
import { ProblemSchema } from './routes/schemas';

export interface AppOptions {
  store: Store;
  adminToken: string;
  gatewayToken: string;
  /** The provider types on offer (default: every driver). */
  drivers?: DriverRegistry;
  /** Total deadline of one IdP operation, retries included (default 10 s). */
  idpTimeoutMs?: number;
  /** The name prefix of our clients at the IdP (default `kong-dcr-`). */
  clientNamePrefix?: string;
  /** Application creations allowed per developer per window (default 20 an hour). */
  creationLimit?: CreationLimit;
  /** Backoff of IdP clean-up retries: client deletions and uncertain registration checks (default 5 s doubling up to 1 h). */
  deletionBackoff?: DeletionBackoff;
  /** How long after a registration that got no answer to look for its client at the IdP (default 5 min). */
  lateRegistrationCheckDelayMs?: number;
  /** How often the background pass retries due deletions and purges expired records; 0 = never (tests drive
   * `app.deletion` themselves). Default 5 s. */
  housekeepingIntervalMs?: number;
  /** Where JSON logs go (default stdout); tests capture them. */
  logStream?: NodeJS.WritableStream;
  logLevel?: string;
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

declare module 'fastify' {
  interface FastifyInstance {
    /** The application deletion use case (tests run retry passes through it). */
    deletion: ApplicationDeletion;
    /** The checks of registrations that got no answer (tests run passes through it). */
    lateRegistrations: LateRegistrationCleanup;
  }
}

/** Builds the sidecar without listening: `server.ts` listens, tests use `app.inject`. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = fastify({
    logger: {
      level: options.logLevel ?? 'info',
      redact: { paths: REDACTED, censor: '[redacted]' },
      ...(options.logStream && { stream: options.logStream }),
    },
  });
  registerProblemHandlers(app);
  const metrics = registerMetrics(app);
  app.addSchema(ProblemSchema);

  await app.register(swagger, {
    openapi: {
      info: { title: 'kong-okta-dcr sidecar', version: '1' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const { store } = options;
  const drivers = options.drivers ?? defaultDrivers;
  const idpTimeoutMs = options.idpTimeoutMs ?? 10_000;
  const providers = dcrProviderService(store, drivers, { timeoutMs: idpTimeoutMs });
  const strategies = authStrategyService(store);
  const developers = developerService(store);
  const creationLimit = options.creationLimit ?? { count: 20, windowMs: 3_600_000 };
  const clientNamePrefix = options.clientNamePrefix ?? CLIENT_NAME_PREFIX;
  const backoff = options.deletionBackoff ?? { baseMs: 5_000, maxMs: 3_600_000 };
  // A background job (one deletion, one check: a listing and a delete) makes at most a few IdP calls, each
  // within the deadline; past this lease another replica may take over the job of one that died.
  const jobLeaseMs = 3 * idpTimeoutMs;
  const lateRegistrations = lateRegistrationCleanup(store, providers, app.log, {
    checkDelayMs: options.lateRegistrationCheckDelayMs ?? 300_000,
    idpTimeoutMs,
    backoff,
    leaseMs: jobLeaseMs,
  });
  // A creation makes at most two IdP calls, each within the deadline: the registration and, if the write fails, the delete.
  const slotHoldMs = 2 * idpTimeoutMs;
  const applications = applicationService(store, providers, lateRegistrations, { limit: creationLimit, clientNamePrefix, slotHoldMs }, app.log);
  const deletion = applicationDeletion(store, providers, app.log, backoff, jobLeaseMs);
  const registrations = registrationService(store);
  const adminOnly = requireToken(options.adminToken);
  const developerOnly = requireDeveloper(store.developers.getByTokenHash);

  await app.register(healthRoutes(() => store.ping(), metrics));
  await app.register(dcrProviderRoutes(providers, Object.keys(drivers), adminOnly));
  await app.register(authStrategyRoutes(strategies, adminOnly));
  await app.register(developerRoutes(developers, adminOnly));
  await app.register(applicationRoutes(store, applications, deletion, developerOnly));
  const adminOrDeveloper = requireAdminOrDeveloper(options.adminToken, store.developers.getByTokenHash);
  await app.register(registrationRoutes(store, applications, registrations, { developerOnly, adminOnly, adminOrDeveloper }));
  // The gateway looks up every client ID it has not cached: two log lines each would cost more than the lookup.
  await app.register(internalRoutes(store, requireToken(options.gatewayToken)), { logLevel: 'warn' });
  await app.register(reconcileRoutes(reconciler(store, providers, clientNamePrefix), adminOnly, RECONCILE_GRACE_SECONDS));

  const housekeepingMs = options.housekeepingIntervalMs ?? 5_000;
  if (housekeepingMs > 0) {
    const stop = startHousekeeping(
      store,
      { deletion, lateRegistrations },
      { intervalMs: housekeepingMs, creationWindowMs: creationLimit.windowMs },
      app.log,
    );
    app.addHook('onClose', async () => stop());
  }
  app.decorate('deletion', deletion);
  app.decorate('lateRegistrations', lateRegistrations);
  return app;
}
