import { authenticate } from './authenticate';
import { normaliseConfig, type OktaAuthConfig } from './config';
import { AuthFailure, failureResponse, UNEXPECTED, UNEXPECTED_RESPONSE, type FailureResponse } from './errors';
import { logFailure, logWarning } from './log';
import { consumerFor } from './consumers';
import type { KongConsumer, KongCredential, KongPdk } from './pdk';
import { checkAllHeadersSeen, consumerHeaders, MAX_REQUEST_HEADERS, upstreamChanges } from './upstream';

/**
 * One instance per Kong worker and config version. Kong PROXIES a request whose handler throws (the plugin server
 * logs and answers "ret"), so access() catches everything and answers every failure itself.
 */
export class OktaAuthPlugin {
  private readonly config: OktaAuthConfig | undefined;
  /** The service name, learned once when Kong bound this instance to a service or route. */
  private boundServiceName: Promise<string | undefined> | undefined;

  constructor(config: unknown) {
    try {
      this.config = normaliseConfig(config);
    } catch (err) {
      // Kong logs a failed instance start and then PROXIES the request (fail-open), so a bad config must not
      // throw here: it is reported now, naming the field, and every request is refused until it is fixed.
      logWarning('invalid_config', { error: err instanceof Error ? err.message : String(err) });
    }
  }

  async access(kong: KongPdk): Promise<void> {
    const config = this.config;
    if (!config) return respond(kong, UNEXPECTED_RESPONSE);
    try {
      const headers = await kong.request.getHeaders(MAX_REQUEST_HEADERS);
      checkAllHeadersSeen(headers);
      const identity = await authenticate(headers, config, () => this.serviceName(config, kong));
      // The order agreed for every success: what must not reach the upstream goes first, then who called is told
      // to Kong, and the identity headers come last, in one call.
      const changes = upstreamChanges(headers, identity, config.hideCredentials);
      // The identity goes in the LAST call: a plugin server that dies before it leaves X-Credential-Identifier
      // unset, and kong.yml's post-function guard then refuses the request.
      for (const name of changes.clear) await kong.service.request.clearHeader(name);
      const consumer = config.consumer ? await consumerFor(identity.claims, config.consumer, kong) : null;
      await kong.client.authenticate(consumer, credentialOf(identity.clientId, consumer));
      await kong.service.request.setHeaders(consumer ? { ...changes.set, ...consumerHeaders(consumer) } : changes.set);
    } catch (err) {
      return refuse(kong, config, err);
    }
  }

  // One PDK call per instance for a service- or route-scoped plugin, one per request for a global one.
  private serviceName(config: OktaAuthConfig, kong: KongPdk): Promise<string | undefined> {
    const lookup = () => kong.router.getService().then((service) => service?.name ?? undefined);
    if (!config.boundToService) return lookup();
    this.boundServiceName ??= lookup().catch((err: unknown) => {
      this.boundServiceName = undefined;
      throw err;
    });
    return this.boundServiceName;
  }
}

/**
 * The credential Kong records (ngx.ctx.authenticated_credential): the client id, which rate-limiting by credential
 * counts. consumer_id too when there is a consumer: Kong's log serializer reads the consumer of
 * `authenticated_entity` only from there (kong/pdk/log.lua build_authenticated_entity).
 */
function credentialOf(clientId: string, consumer: KongConsumer | null): KongCredential {
  return consumer ? { id: clientId, consumer_id: consumer.id } : { id: clientId };
}

async function refuse(kong: KongPdk, config: OktaAuthConfig, err: unknown): Promise<void> {
  const failure = err instanceof AuthFailure ? err : UNEXPECTED;
  // An outage of a service the plugin depends on is the operator's to fix; a refused client is not.
  if (failure.code === 'idp_unavailable' || failure.code === 'directory_unavailable') logFailure(failure.code, failure.description);
  if (failure === UNEXPECTED) logFailure('unexpected_error', err instanceof Error ? err.message : String(err));
  return respond(kong, failureResponse(failure, config));
}

function respond(kong: KongPdk, response: FailureResponse): Promise<void> {
  return kong.response.exit(response.status, response.body, response.headers);
}
