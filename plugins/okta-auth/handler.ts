import { authenticate } from './authenticate';
import { normaliseConfig, type OktaAuthConfig } from './config';
import { AuthFailure, failureResponse, UNEXPECTED } from './errors';
import { logWarning } from './log';
import type { KongPdk } from './pdk';
import { upstreamChanges } from './upstream';

/**
 * One instance per Kong worker and config version. Kong PROXIES a request whose handler throws (the plugin server
 * logs and answers "ret"), so access() catches everything and answers every failure itself.
 */
export class OktaAuthPlugin {
  private readonly config: OktaAuthConfig;
  /** The service name, learned once when Kong bound this instance to a service or route. */
  private boundServiceName: Promise<string | undefined> | undefined;

  constructor(config: unknown) {
    // Throws a ConfigError naming the field: Kong then fails the instance start instead of running unprotected.
    this.config = normaliseConfig(config);
  }

  async access(kong: KongPdk): Promise<void> {
    try {
      const headers = await kong.request.getHeaders();
      const identity = await authenticate(headers, this.config, () => this.serviceName(kong));
      const changes = upstreamChanges(headers, identity, this.config.hideCredentials);
      await kong.service.request.setHeaders(changes.set);
      for (const name of changes.clear) await kong.service.request.clearHeader(name);
    } catch (err) {
      return this.refuse(kong, err);
    }
  }

  // One PDK call per instance for a service- or route-scoped plugin, one per request for a global one.
  private serviceName(kong: KongPdk): Promise<string | undefined> {
    const lookup = () => kong.router.getService().then((service) => service?.name ?? undefined);
    if (!this.config.boundToService) return lookup();
    this.boundServiceName ??= lookup().catch((err: unknown) => {
      this.boundServiceName = undefined;
      throw err;
    });
    return this.boundServiceName;
  }

  private async refuse(kong: KongPdk, err: unknown): Promise<void> {
    const failure = err instanceof AuthFailure ? err : UNEXPECTED;
    if (failure.code === 'idp_unavailable') logWarning('idp_unavailable', { reason: failure.description });
    if (failure === UNEXPECTED) logWarning('unexpected_error', { error: err instanceof Error ? err.message : String(err) });
    const response = failureResponse(failure, this.config);
    return kong.response.exit(response.status, response.body, response.headers);
  }
}
