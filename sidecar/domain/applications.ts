import { IdpError } from '../idp/errors';
import type { RegisteredClient } from '../idp/types';
import type { Store } from '../store';
import { StoreConstraintError } from '../store/errors';
import type { Application, AuthStrategy, Developer, PageRequest } from '../store/records';
import type { DcrProviderService } from './dcr-providers';
import { ProblemError, badRequest, conflict, notFound } from './errors';
import type { LateRegistrationCleanup } from './late-registrations';
import type { Logger } from './logger';

/**
 * Every client we register at an IdP is named with a prefix (this one unless configured): reconcile only ever
 * touches such clients. Sidecars sharing one IdP org (staging and production) need different prefixes.
 */
export const CLIENT_NAME_PREFIX = 'kong-dcr-';

export interface ApplicationInput {
  name: string;
  description?: string;
  auth_strategy_id: string;
  redirect_uris?: string[];
  /** Self-managed strategies only: the client ID of an existing IdP client. */
  client_id?: string;
}

export interface ApplicationPatch {
  name?: string;
  description?: string;
}

/** How many applications one developer may create per window: each one is a registration at the IdP. */
export interface CreationLimit {
  count: number;
  windowMs: number;
}

/** An application as its developer sees it; `client_secret` only right after creation or a refresh. */
export function presentApplication(application: Application, clientSecret?: string) {
  return {
    id: application.id,
    name: application.name,
    description: application.description,
    auth_strategy_id: application.auth_strategy_id,
    client_id: application.client_id,
    redirect_uris: application.redirect_uris,
    status: application.status,
    created_at: application.created_at,
    updated_at: application.updated_at,
    ...(clientSecret !== undefined && { client_secret: clientSecret }),
  };
}

export type PresentedApplication = ReturnType<typeof presentApplication>;

const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** A 2xx answer without the credentials (a broken bridge or server): the IdP refused, in effect. */
const incompleteAnswer = (operation: 'registration' | 'new secret', missing: string) =>
  new ProblemError(502, 'Bad Gateway', `the identity provider answered the ${operation} without a ${missing}`, {
    idp_error: { error: 'invalid_registration_response', error_description: `the ${operation} response has no ${missing}` },
  });

export function applicationService(
  store: Store,
  providers: DcrProviderService,
  lateRegistrations: LateRegistrationCleanup,
  options: {
    limit: CreationLimit;
    clientNamePrefix: string;
    /** How long an unfinished creation holds its slot: past every IdP call it makes (a replica died). */
    slotHoldMs: number;
  },
  log: Logger,
) {
  const { limit } = options;
  /** The developer's own application; another developer's is as unknown as a missing one. */
  const getOwn = async (developer: Developer, id: string) => {
    const application = await store.applications.get(id);
    if (!application || application.developer_id !== developer.id) throw notFound('application', id);
    return application;
  };

  const strategyFor = async (input: ApplicationInput): Promise<AuthStrategy> => {
    const strategy = await store.strategies.get(input.auth_strategy_id);
    if (!strategy) throw badRequest('auth_strategy_id', `auth strategy ${input.auth_strategy_id} does not exist`);
    if (strategy.dcr_provider_id === null && input.client_id === undefined) {
      throw badRequest('client_id', 'is required: this auth strategy uses existing IdP clients');
    }
    if (strategy.dcr_provider_id !== null && input.client_id !== undefined) {
      throw badRequest('client_id', 'must not be set: this auth strategy registers the client at the IdP');
    }
    return strategy;
  };

  /** Takes one of the developer's creation slots before anything reaches the IdP; 429 when none is left. */
  const reserveSlot = async (developer: Developer) => {
    const slot = await store.creations.reserve(developer.id, { limit: limit.count, windowMs: limit.windowMs, holdMs: options.slotHoldMs });
    if (slot === undefined) {
      throw new ProblemError(429, 'Too Many Requests', `at most ${limit.count} applications may be created per window`, {
        retryAfter: Math.ceil(limit.windowMs / 1000),
      });
    }
    return slot;
  };

  const insert = (developer: Developer, input: ApplicationInput, clientId: string, idpSecrets: Application['idp_secrets']) =>
    store.applications.create({
      developer_id: developer.id,
      auth_strategy_id: input.auth_strategy_id,
      name: input.name,
      description: input.description ?? null,
      client_id: clientId,
      redirect_uris: input.redirect_uris ?? [],
      idp_secrets: idpSecrets,
    });

  /** IdP first, then the database; a failed database write deletes the client again so nothing is orphaned. */
  const registerAndInsert = async (developer: Developer, input: ApplicationInput, providerId: string) => {
    const driver = providers.driverFor(await providers.get(providerId));
    const clientName = `${options.clientNamePrefix}${input.name}`;
    const startedAt = new Date();
    let client: RegisteredClient;
    try {
      client = await driver.register({
        clientName,
        description: input.description ?? '',
        redirectUris: input.redirect_uris ?? [],
        developerId: developer.id,
      });
    } catch (error) {
      if (error instanceof IdpError && error.outcomeUnknown) await lateRegistrations.remember(providerId, clientName, startedAt);
      throw error;
    }
    if (!isNonEmptyString(client.clientId)) throw incompleteAnswer('registration', 'client_id');
    try {
      // A client without a secret is of no use to the developer: delete it like any other failure below.
      if (!isNonEmptyString(client.clientSecret)) throw incompleteAnswer('registration', 'client_secret');
      return presentApplication(await insert(developer, input, client.clientId, client.managementSecrets), client.clientSecret);
    } catch (error) {
      try {
        await driver.deleteClient(client.clientId, client.managementSecrets);
      } catch (compensation) {
        // Reconcile finds and removes it later: it carries our prefix and no application maps to it.
        log.error({ clientId: client.clientId, reason: (compensation as Error).message }, 'orphaned IdP client after a failed insert');
      }
      throw error;
    }
  };

  return {
    getOwn,
    async create(developer: Developer, input: ApplicationInput): Promise<PresentedApplication> {
      const strategy = await strategyFor(input);
      const slot = await reserveSlot(developer);
      let created: PresentedApplication;
      try {
        created =
          strategy.dcr_provider_id === null
            ? presentApplication(await insert(developer, input, String(input.client_id), null))
            : await registerAndInsert(developer, input, strategy.dcr_provider_id);
      } catch (error) {
        // No application came of it (refused, no answer, or the client ID is taken): the slot is free again (or,
        // if even that write fails, once its hold is over).
        await store.creations
          .release(slot)
          .catch((reason: unknown) => log.warn({ reason: (reason as Error).message }, 'could not give a creation slot back'));
        if (error instanceof StoreConstraintError && error.violation === 'unique') {
          throw conflict(`client ID ${input.client_id} already belongs to an application`);
        }
        throw error;
      }
      await store.creations.complete(slot);
      return created;
    },
    list: (developer: Developer, page: PageRequest) => store.applications.listByDeveloper(developer.id, page),
    async update(developer: Developer, id: string, patch: ApplicationPatch): Promise<Application> {
      await getOwn(developer, id);
      const updated = await store.applications.update(id, patch);
      if (!updated) throw notFound('application', id);
      return updated;
    },
    /** A new secret from the IdP, shown this once. */
    async refreshSecret(developer: Developer, id: string): Promise<PresentedApplication> {
      const application = await getOwn(developer, id);
      if (application.status !== 'active') throw conflict(`application ${id} is being deleted`);
      const strategy = await store.strategies.get(application.auth_strategy_id);
      if (!strategy?.dcr_provider_id) throw conflict('this application uses an existing IdP client: rotate its secret at the IdP');
      const driver = providers.driverFor(await providers.get(strategy.dcr_provider_id));
      const { clientSecret, managementSecrets } = await driver.refreshSecret(application.client_id, application.idp_secrets);
      if (!isNonEmptyString(clientSecret)) throw incompleteAnswer('new secret', 'client_secret');
      const updated = await store.applications.update(id, { idp_secrets: managementSecrets ?? application.idp_secrets });
      return presentApplication(updated ?? application, clientSecret);
    },
  };
}

export type ApplicationService = ReturnType<typeof applicationService>;
