import { clientCredentialsClaims } from '../idp/client-credentials';
import { IdpError } from '../idp/errors';
import type { RegisteredClient } from '../idp/types';
import type { Repositories, Store } from '../store';
import type { Actor } from '../store/audit';
import type { Application, AuthStrategy, Developer } from '../store/records';
import type { DcrProviderService } from './dcr-providers';
import { BadGateway, InvalidInput, NotFound, TooManyRequests, orConflict } from './errors';
import { type KeepResponse, createOnce } from './idempotency';
import type { LateRegistrationCleanup } from './late-registrations';
import type { Logger } from './logger';
import { oktaAuthDefault } from './okta-auth-defaults';
import type { ApplicationInput, ClaimedApplicationInput, PresentedApplication } from './shapes/applications';

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
    client_verified: application.client_verified,
    created_at: application.created_at,
    updated_at: application.updated_at,
    ...(clientSecret !== undefined && { client_secret: clientSecret }),
  };
}

const REPLAY_NOTE = 'the answer to an earlier request with this Idempotency-Key: the client secret was in that answer only';

/** The audit fields of a change to an application. */
export const applicationEvent = (id: string) => ({ resource_type: 'application', resource_id: id, application_id: id });

/** How a creation ends, in its transaction: who made it, its slot, and its Idempotency-Key's response. */
interface Ending {
  slot: string;
  actor: Actor;
  keep?: KeepResponse<PresentedApplication>;
}

const clientTaken = (clientId: string | undefined) => ({ unique: `client ID ${clientId} already belongs to an application` });

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
    /** How long an unfinished Idempotency-Key holds off a retry: past the slot's hold (a replica died). */
    idempotencyLeaseMs: number;
    /** The deadline of the proof's token request. */
    idpTimeoutMs: number;
  },
  log: Logger,
) {
  const { limit } = options;

  const strategyFor = async (input: ApplicationInput): Promise<AuthStrategy> => {
    const strategy = await store.strategies.get(input.auth_strategy_id);
    if (!strategy) throw InvalidInput.field('auth_strategy_id', `auth strategy ${input.auth_strategy_id} does not exist`);
    const selfManaged = strategy.dcr_provider_id === null;
    for (const field of ['client_id', 'client_secret'] as const) {
      if (selfManaged && input[field] === undefined) {
        throw InvalidInput.field(field, 'is required: this auth strategy uses existing IdP clients');
      }
      if (!selfManaged && input[field] !== undefined) {
        throw InvalidInput.field(field, 'must not be set: this auth strategy registers the client at the IdP');
      }
    }
    return strategy;
  };

  /**
   * The developer proves they hold the client: one client_credentials request at the strategy's issuer with the
   * secret, whose token must name this client id in the strategy's credential claim (the gateway reads the same
   * claim). The secret is used for this request only.
   */
  const proveClient = async (strategy: AuthStrategy, clientId: string, clientSecret: string) => {
    const oidc = strategy.configs['openid-connect'] as { issuer: string; scopes?: string[]; credential_claim?: string[] };
    let claims: Record<string, unknown>;
    try {
      claims = await clientCredentialsClaims(oidc.issuer, { id: clientId, secret: clientSecret }, oidc.scopes ?? [], options.idpTimeoutMs);
    } catch (error) {
      if (!(error instanceof IdpError) || error.kind !== 'rejected') throw error;
      throw InvalidInput.field('client_secret', `the issuer refused these client credentials (${error.extras.idp_error?.error})`);
    }
    const claimNames = oidc.credential_claim ?? (oktaAuthDefault('credential_claim') as string[]);
    const named = claimNames.map((name) => claims[name]).find((value) => value !== undefined);
    if (named !== clientId) throw InvalidInput.field('client_id', "is not the client the issuer's token names for this secret");
  };

  /** Takes one of the developer's creation slots before anything reaches the IdP; 429 when none is left. */
  const reserveSlot = async (developer: Developer) => {
    const slot = await store.creations.reserve(developer.id, { limit: limit.count, windowMs: limit.windowMs, holdMs: options.slotHoldMs });
    if (slot === undefined) {
      throw new TooManyRequests(`at most ${limit.count} applications may be created per window`, Math.ceil(limit.windowMs / 1000));
    }
    return slot;
  };

  const insert = (
    developer: Pick<Developer, 'id'>,
    input: Omit<ApplicationInput, 'client_secret'>,
    clientId: string,
    idpSecrets: Application['idp_secrets'],
    clientVerified: boolean,
    repositories: Pick<Repositories, 'applications'>,
  ) =>
    repositories.applications.create({
      client_verified: clientVerified,
      developer_id: developer.id,
      auth_strategy_id: input.auth_strategy_id,
      name: input.name,
      description: input.description ?? null,
      client_id: clientId,
      redirect_uris: input.redirect_uris ?? [],
      idp_secrets: idpSecrets,
    });

  /**
   * Writes the application and ends its creation in one transaction: its audit row, its slot completed, its
   * registration attempt struck off and the response kept with its Idempotency-Key, all or nothing (a replica may
   * die at any point).
   */
  const commit = (
    developer: Developer,
    input: ApplicationInput,
    client: { id: string; secret?: string; managementSecrets: Application['idp_secrets'] },
    ending: Ending & { checkId?: string },
  ) =>
    store.transaction(async (tx) => {
      const row = await insert(developer, input, client.id, client.managementSecrets, true, tx);
      const application = presentApplication(row, client.secret);
      // The trail shows the application as anyone may see it later: without the secret.
      await tx.audit.record(ending.actor, { ...applicationEvent(row.id), action: 'application.created', after: presentApplication(row) });
      await tx.creations.complete(ending.slot);
      if (ending.checkId !== undefined) await tx.registrationChecks.remove(ending.checkId);
      await ending.keep?.(tx, application);
      return application;
    });

  /**
   * IdP first, then the database; a failed database write deletes the client again so nothing is orphaned. The
   * attempt is written down first: if the answer or this replica is lost, its client is found and deleted later.
   */
  const registerAndInsert = async (
    developer: Developer,
    input: ApplicationInput,
    providerId: string,
    ending: Ending,
  ) => {
    const driver = await providers.driverOf(providerId);
    const clientName = `${options.clientNamePrefix}${input.name}`;
    const checkId = await lateRegistrations.attemptStarting(providerId, clientName, new Date());
    let client: RegisteredClient;
    try {
      client = await driver.register({
        clientName,
        description: input.description ?? '',
        redirectUris: input.redirect_uris ?? [],
        developerId: developer.id,
      });
    } catch (error) {
      if (error instanceof IdpError && error.outcomeUnknown) await lateRegistrations.outcomeUnknown(checkId);
      else await lateRegistrations.settled(checkId);
      throw error;
    }
    if (!isNonEmptyString(client.clientId)) throw incompleteAnswer('registration', 'client_id');
    try {
      // A client without a secret is of no use to the developer: delete it like any other failure below.
      if (!isNonEmptyString(client.clientSecret)) throw incompleteAnswer('registration', 'client_secret');
      const registered = { id: client.clientId, secret: client.clientSecret, managementSecrets: client.managementSecrets };
      return await commit(developer, input, registered, { ...ending, checkId });
    } catch (error) {
      try {
        await driver.deleteClient(client.clientId, client.managementSecrets);
        await lateRegistrations.settled(checkId);
      } catch (compensation) {
        // The attempt's check finds and removes it later: it carries our prefix and no application maps to it.
        log.error({ clientId: client.clientId, reason: (compensation as Error).message }, 'orphaned IdP client after a failed insert');
        await lateRegistrations.outcomeUnknown(checkId);
      }
      throw error;
    }
  };

  const create = async (
    developer: Developer,
    input: ApplicationInput,
    actor: Actor,
    keep?: KeepResponse<PresentedApplication>,
  ): Promise<PresentedApplication> => {
    const strategy = await strategyFor(input);
    const slot = await reserveSlot(developer);
    const ending: Ending = { slot, actor, ...(keep && { keep }) };
    try {
      // Proof first: only the holder of the secret learns that a client ID is taken (and never by whom).
      if (strategy.dcr_provider_id === null) await proveClient(strategy, String(input.client_id), String(input.client_secret));
      return await orConflict(
        () =>
          strategy.dcr_provider_id === null
            ? commit(developer, input, { id: String(input.client_id), managementSecrets: null }, ending)
            : registerAndInsert(developer, input, strategy.dcr_provider_id, ending),
        clientTaken(input.client_id),
      );
    } catch (error) {
      // No application came of it (refused, no answer, or the client ID is taken): the slot is free again (or,
      // if even that write fails, once its hold is over).
      await store.creations
        .release(slot)
        .catch((reason: unknown) => log.warn({ reason: (reason as Error).message }, 'could not give a creation slot back'));
      throw error;
    }
  };

  return {
    /**
     * Creates once per Idempotency-Key (when given): a retry within the window gets the first response back. The
     * key's request fingerprint leaves the client secret out: nothing derived from it is stored.
     */
    async create(developer: Developer, input: ApplicationInput, actor: Actor, idempotencyKey?: string): Promise<PresentedApplication> {
      if (idempotencyKey === undefined) return create(developer, input, actor);
      const { client_secret: _secret, ...fingerprint } = input;
      // The secret is in the first response only: the kept response, and so every replay, goes without it.
      const withoutSecret = ({ client_secret: _shown, ...application }: PresentedApplication) => application;
      const { result, replayed } = await createOnce(
        store,
        developer.id,
        idempotencyKey,
        fingerprint,
        options.idempotencyLeaseMs,
        (keep) => create(developer, input, actor, keep),
        withoutSecret,
      );
      return replayed ? { ...result, replayed: REPLAY_NOTE } : result;
    },
    /** An admin claims an existing client for a developer without proof: the application is marked unverified. */
    async claim(developerId: string, input: ClaimedApplicationInput, actor: Actor): Promise<PresentedApplication> {
      if (!(await store.developers.get(developerId))) throw new NotFound('developer', developerId);
      const strategy = await store.strategies.get(input.auth_strategy_id);
      if (!strategy) throw InvalidInput.field('auth_strategy_id', `auth strategy ${input.auth_strategy_id} does not exist`);
      if (strategy.dcr_provider_id !== null) {
        throw InvalidInput.field('auth_strategy_id', 'registers its clients at the IdP: only a strategy without a DCR provider takes existing clients');
      }
      return orConflict(
        () =>
          store.transaction(async (tx) => {
            const application = presentApplication(await insert({ id: developerId }, input, input.client_id, null, false, tx));
            await tx.audit.record(actor, { ...applicationEvent(application.id), action: 'application.claimed', after: application });
            return application;
          }),
        // The developer or the strategy, there when checked above, deleted by a request that came in meanwhile.
        { ...clientTaken(input.client_id), foreign_key: `developer ${developerId} or auth strategy ${input.auth_strategy_id} was deleted meanwhile` },
      );
    },
  };
}

export type ApplicationCreation = ReturnType<typeof applicationCreation>;
