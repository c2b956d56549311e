import { IdpError } from '../idp/errors';
import type { RegisteredClient } from '../idp/types';
import type { Store } from '../store';
import type { Application, AuthStrategy, Developer } from '../store/records';
import type { DcrProviderService } from './dcr-providers';
import { BadGateway, InvalidInput, TooManyRequests, orConflict } from './errors';
import { createOnce } from './idempotency';
import type { LateRegistrationCleanup } from './late-registrations';
import type { Logger } from './logger';
import type { ApplicationInput, PresentedApplication } from './shapes/applications';

/** How many applications one developer may create per window: each one is a registration at the IdP. */
export interface CreationLimit {
  count: number;
  windowMs: number;
}

/** An application as the API shows it; `client_secret` only right after creation or a refresh. */
export function presentApplication(application: Application, clientSecret?: string): PresentedApplication {
  return {
    id: application.id,
    name: application.name,
    description: application.description,
    developer_id: application.developer_id,
    auth_strategy_id: application.auth_strategy_id,
    client_id: application.client_id,
    redirect_uris: application.redirect_uris,
    status: application.status,
    created_at: application.created_at,
    updated_at: application.updated_at,
    ...(clientSecret !== undefined && { client_secret: clientSecret }),
  };
}

export const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** A 2xx answer without the credentials (a broken bridge or server): the IdP refused, in effect. */
export const incompleteAnswer = (operation: 'registration' | 'new secret', missing: string) =>
  new BadGateway(`the identity provider answered the ${operation} without a ${missing}`, {
    error: 'invalid_registration_response',
    error_description: `the ${operation} response has no ${missing}`,
  });

/**
 * Creating an application: the strategy checked, the developer's creation limit, the client registered at the
 * IdP (or an existing client ID taken), then the row; an Idempotency-Key makes a retry get the first response.
 */
export function applicationCreation(
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

  const strategyFor = async (input: ApplicationInput): Promise<AuthStrategy> => {
    const strategy = await store.strategies.get(input.auth_strategy_id);
    if (!strategy) throw InvalidInput.field('auth_strategy_id', `auth strategy ${input.auth_strategy_id} does not exist`);
    if (strategy.dcr_provider_id === null && input.client_id === undefined) {
      throw InvalidInput.field('client_id', 'is required: this auth strategy uses existing IdP clients');
    }
    if (strategy.dcr_provider_id !== null && input.client_id !== undefined) {
      throw InvalidInput.field('client_id', 'must not be set: this auth strategy registers the client at the IdP');
    }
    return strategy;
  };

  /** Takes one of the developer's creation slots before anything reaches the IdP; 429 when none is left. */
  const reserveSlot = async (developer: Developer) => {
    const slot = await store.creations.reserve(developer.id, { limit: limit.count, windowMs: limit.windowMs, holdMs: options.slotHoldMs });
    if (slot === undefined) {
      throw new TooManyRequests(`at most ${limit.count} applications may be created per window`, Math.ceil(limit.windowMs / 1000));
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
    const driver = await providers.driverOf(providerId);
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

  const create = async (developer: Developer, input: ApplicationInput): Promise<PresentedApplication> => {
    const strategy = await strategyFor(input);
    const slot = await reserveSlot(developer);
    let created: PresentedApplication;
    try {
      created = await orConflict(
        async () =>
          strategy.dcr_provider_id === null
            ? presentApplication(await insert(developer, input, String(input.client_id), null))
            : registerAndInsert(developer, input, strategy.dcr_provider_id),
        { unique: `client ID ${input.client_id} already belongs to an application` },
      );
    } catch (error) {
      // No application came of it (refused, no answer, or the client ID is taken): the slot is free again (or,
      // if even that write fails, once its hold is over).
      await store.creations
        .release(slot)
        .catch((reason: unknown) => log.warn({ reason: (reason as Error).message }, 'could not give a creation slot back'));
      throw error;
    }
    await store.creations.complete(slot);
    return created;
  };

  /** Creates once per Idempotency-Key (when given): a retry within the window gets the first response back. */
  return (developer: Developer, input: ApplicationInput, idempotencyKey?: string): Promise<PresentedApplication> =>
    idempotencyKey === undefined
      ? create(developer, input)
      : createOnce(store, developer.id, idempotencyKey, input, () => create(developer, input));
}

export type ApplicationCreation = ReturnType<typeof applicationCreation>;
