// The local Okta-compatible authorization server. See README.md in this directory for what it serves and how.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

import type { Provider } from 'oidc-provider';

import { listenOn } from '../listen-port';
import { generateApiToken } from './api-token';
import { ClientStore } from './client-store';
import { CONTROL_PREFIX, EmulatorConditions, handleControl, type ControlApi } from './control';
import type { EmulatorStats, KeySummary } from './control-api';
import { CLIENTS_PATH, handleDcr } from './dcr-api';
import { ControlError } from './faults';
import { BodyError, oktaError, PATH_NOT_FOUND, sendJson } from './http';
import { KeyRing } from './keys';
import { checkOptions, DEFAULT_DCR_RATE_LIMIT, DEFAULT_JWKS_MAX_AGE, DEFAULT_SCOPES, type OktaEmulatorOptions } from './options';
import { buildProvider } from './provider';
import { RandomFaults } from './random-faults';
import { RateLimiter } from './rate-limiter';

export { AUDIENCE } from './provider';
export { DEFAULT_DCR_RATE_LIMIT, DEFAULT_JWKS_MAX_AGE, DEFAULT_SCOPES, isScopeName, type OktaEmulatorOptions } from './options';

/** The custom authorization server's path under the org: the issuer is `{orgUrl}/oauth2/default`. */
export const ISSUER_PATH = '/oauth2/default';

export interface OktaEmulator {
  /** `http://127.0.0.1:<port>/oauth2/default` */
  issuer: string;
  /** `http://127.0.0.1:<port>`: the DCR API is at `{orgUrl}/oauth2/v1/clients`, the control API at `{orgUrl}/__emulator/`. */
  orgUrl: string;
  port: number;
  apiToken: string;
  /** True when apiToken was generated rather than given. */
  apiTokenGenerated: boolean;
  close(): Promise<void>;
}

function endpointOf(path: string): keyof EmulatorStats {
  if (path === `${ISSUER_PATH}/v1/token`) return 'token';
  if (path === `${ISSUER_PATH}/v1/keys`) return 'keys';
  if (path === CLIENTS_PATH || path.startsWith(`${CLIENTS_PATH}/`)) return 'clients';
  if (path.includes('/.well-known/')) return 'discovery';
  return 'other';
}

export async function startOktaEmulator(options: OktaEmulatorOptions = {}): Promise<OktaEmulator> {
  checkOptions(options);
  const host = options.host ?? '127.0.0.1';
  const scopes = options.scopes ?? DEFAULT_SCOPES;
  const apiToken = options.apiToken ?? generateApiToken();
  const jwksMaxAge = options.jwksMaxAgeSeconds ?? DEFAULT_JWKS_MAX_AGE;
  const keys = await KeyRing.open(options.dataDir);
  const clients = ClientStore.open(options.dataDir);
  const limiter = new RateLimiter(options.dcrRateLimitPerMinute ?? DEFAULT_DCR_RATE_LIMIT);
  const conditions = new EmulatorConditions(options.randomFaults && new RandomFaults(options.randomFaults));

  let orgUrl = '';
  let issuer = '';
  // Rebuilt whenever the ACTIVE key changes (see ProviderOptions.signingKey).
  let providerCallback: ReturnType<Provider['callback']> | undefined;
  let signingKid = '';
  const useActiveKey = () => {
    signingKid = keys.active.kid;
    const provider = buildProvider({ issuer, registrationEndpoint: `${orgUrl}${CLIENTS_PATH}`, scopes, clients, signingKey: keys.active });
    providerCallback = provider.callback();
  };

  // Key changes generate keys asynchronously: one at a time, so two rotations never interleave.
  let keyChange: Promise<unknown> = Promise.resolve();
  const control: ControlApi = {
    apiToken,
    keys,
    scopes,
    issuer: () => issuer,
    conditions,
    changeKeys: (change): Promise<KeySummary> => {
      const run = keyChange.then(async () => {
        await change();
        if (keys.active.kid !== signingKid) useActiveKey();
        return keys.summary();
      });
      keyChange = run.catch(() => undefined);
      return run;
    },
  };

  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', orgUrl);
    const path = url.pathname;
    if (path.startsWith(CONTROL_PREFIX)) return handleControl(control, req, res, path);

    const endpoint = endpointOf(path);
    conditions.stats[endpoint] += 1;
    if (conditions.down) {
      req.socket.destroy();
      return;
    }
    const fault = conditions.faults.take(path);
    // unref: a delayed request must not hold the process open after close().
    if (fault?.delay_ms) await new Promise((resolve) => setTimeout(resolve, fault.delay_ms).unref());
    if (fault?.status !== undefined) {
      const body = fault.body ?? { error: 'emulated_fault', error_description: 'fault injected through /__emulator/faults' };
      return sendJson(res, fault.status, body, fault.headers);
    }

    if (endpoint === 'clients') {
      const dcr = () => handleDcr({ store: clients, limiter, apiToken, orgUrl }, req, res, url);
      return conditions.randomFaults ? conditions.randomFaults.serve(req, res, dcr) : dcr();
    }
    if (endpoint === 'keys') {
      return sendJson(res, 200, keys.jwks(), { 'Cache-Control': `max-age=${jwksMaxAge}, must-revalidate` });
    }
    if (path.startsWith(`${ISSUER_PATH}/`) && providerCallback) {
      // Mounted the way Express mounts a sub-app: oidc-provider derives its mount path from originalUrl.
      const mounted = req as IncomingMessage & { originalUrl?: string };
      const inner = path === `${ISSUER_PATH}/.well-known/oauth-authorization-server`
        ? `/.well-known/openid-configuration${url.search}`
        : (req.url ?? '/').slice(ISSUER_PATH.length);
      mounted.originalUrl = `${ISSUER_PATH}${inner}`;
      mounted.url = inner;
      return providerCallback(req, res);
    }
    return sendJson(res, 404, PATH_NOT_FOUND(path));
  };

  const server = createServer((req, res) => {
    serve(req, res).catch((err: unknown) => {
      const known = err instanceof ControlError || err instanceof BodyError;
      if (!known) console.error('okta-emulator: unexpected error', err);
      if (res.headersSent) {
        res.destroy();
      } else if (known) {
        sendJson(res, 400, { error: 'invalid_request', error_description: (err as Error).message });
      } else {
        sendJson(res, 500, oktaError('E0000009', 'Internal Server Error'));
      }
    });
  });

  const port = await listenOn(server, 'okta-emulator', options.port ?? 0, host);
  // A wildcard listen address is still reached, and named in the issuer, as 127.0.0.1.
  const publicHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  orgUrl = `http://${publicHost}:${port}`;
  issuer = `${orgUrl}${ISSUER_PATH}`;
  try {
    useActiveKey();
  } catch (err) {
    server.close();
    throw err;
  }

  return {
    issuer,
    orgUrl,
    port,
    apiToken,
    apiTokenGenerated: options.apiToken === undefined,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
