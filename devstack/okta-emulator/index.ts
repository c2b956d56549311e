// The local Okta-compatible authorization server. See README.md in this directory for what it serves and how.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

import { CompactSign } from 'jose';
import type { Provider } from 'oidc-provider';

import { listenOn } from '../listen-port';
import { generateApiToken } from './api-token';
import { CLIENTS_PATH, ClientStore, handleDcr, RateLimiter } from './clients';
import { BodyError, hasApiToken, INVALID_TOKEN, oktaError, PATH_NOT_FOUND, randomAlnum, readJson, sendJson } from './http';
import type { EmulatorStats, FaultSpec, KeySummary, SignedToken } from './control-api';
import { KeyRing } from './keys';
import { ACCESS_TOKEN_TTL, AUDIENCE, buildProvider } from './provider';

export { AUDIENCE } from './provider';

/** The custom authorization server's path under the org: the issuer is `{orgUrl}/oauth2/default`. */
export const ISSUER_PATH = '/oauth2/default';
const CONTROL_PREFIX = '/__emulator/';

export interface OktaEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The address to listen on, 127.0.0.1 by default. */
  host?: string;
  /** The token of the DCR and control APIs (`SSWS <token>` or `Bearer <token>`); generated when absent. */
  apiToken?: string;
  /** The authorization server's custom scopes; the first is its default scope. ['api:read'] by default. */
  scopes?: string[];
  /** Requests a minute on /oauth2/v1/clients before 429 E0000047; 0 turns the limit off. 100 by default. */
  dcrRateLimitPerMinute?: number;
  /** The max-age of /v1/keys' Cache-Control header, in seconds. 3600 by default. */
  jwksMaxAgeSeconds?: number;
}

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

export const DEFAULT_SCOPES = ['api:read'];
export const DEFAULT_DCR_RATE_LIMIT = 100;
export const DEFAULT_JWKS_MAX_AGE = 3600;

/** RFC 6749 scope-token: printable ASCII without space, `"` and `\`. */
export const isScopeName = (scope: string): boolean => /^[\x21\x23-\x5B\x5D-\x7E]+$/.test(scope);

function checkOptions(o: OktaEmulatorOptions): void {
  const nonNegativeInteger = (name: string, value: number | undefined, max = Number.MAX_SAFE_INTEGER) => {
    if (value !== undefined && !(Number.isInteger(value) && value >= 0 && value <= max)) {
      throw new Error(`${name} must be an integer from 0 to ${max}, got ${value}`);
    }
  };
  nonNegativeInteger('port', o.port, 65535);
  nonNegativeInteger('dcrRateLimitPerMinute', o.dcrRateLimitPerMinute);
  nonNegativeInteger('jwksMaxAgeSeconds', o.jwksMaxAgeSeconds);
  if (o.apiToken !== undefined && !/^\S+$/.test(o.apiToken)) {
    throw new Error('apiToken must be a non-empty string without whitespace');
  }
  if (o.scopes !== undefined) {
    if (!o.scopes.length) throw new Error('scopes must name at least one scope');
    const bad = o.scopes.find((s) => !isScopeName(s));
    if (bad !== undefined) throw new Error(`scopes: ${JSON.stringify(bad)} is not a valid scope name`);
  }
}

class ControlError extends Error {}

function parseFault(input: unknown): FaultSpec {
  const f = (input ?? {}) as Record<string, unknown>;
  const bad = (message: string): never => {
    throw new ControlError(message);
  };
  if (typeof f.path !== 'string' || !f.path.startsWith('/')) bad('path must be a string starting with /');
  if (f.status !== undefined && !(Number.isInteger(f.status) && (f.status as number) >= 100 && (f.status as number) <= 599)) {
    bad('status must be an HTTP status code');
  }
  if (f.body !== undefined && f.status === undefined) bad('body needs a status');
  if (f.headers !== undefined) {
    const ok = typeof f.headers === 'object' && f.headers !== null && Object.values(f.headers).every((v) => typeof v === 'string');
    if (!ok) bad('headers must be an object of strings');
  }
  if (f.delay_ms !== undefined && !(Number.isInteger(f.delay_ms) && (f.delay_ms as number) >= 0 && (f.delay_ms as number) <= 600_000)) {
    bad('delay_ms must be an integer from 0 to 600000');
  }
  if (f.times !== undefined && !(Number.isInteger(f.times) && (f.times as number) >= 1)) bad('times must be a positive integer');
  if (f.status === undefined && f.delay_ms === undefined) bad('a fault needs a status, a delay_ms, or both');
  const { path, status, body, headers, delay_ms: delayMs, times } = f;
  return {
    path: path as string,
    ...(status !== undefined && { status: status as number }),
    ...(body !== undefined && { body }),
    ...(headers !== undefined && { headers: headers as Record<string, string> }),
    ...(delayMs !== undefined && { delay_ms: delayMs as number }),
    ...(times !== undefined && { times: times as number }),
  };
}

const emptyStats = (): EmulatorStats => ({ token: 0, keys: 0, clients: 0, discovery: 0, other: 0 });

function endpointOf(path: string): keyof EmulatorStats {
  if (path === `${ISSUER_PATH}/v1/token`) return 'token';
  if (path === `${ISSUER_PATH}/v1/keys`) return 'keys';
  if (path === CLIENTS_PATH || path.startsWith(`${CLIENTS_PATH}/`)) return 'clients';
  if (path.includes('/.well-known/')) return 'discovery';
  return 'other';
}

const dropNulls = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null));
const RSA_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];

export async function startOktaEmulator(options: OktaEmulatorOptions = {}): Promise<OktaEmulator> {
  checkOptions(options);
  const host = options.host ?? '127.0.0.1';
  const scopes = options.scopes ?? DEFAULT_SCOPES;
  const apiToken = options.apiToken ?? generateApiToken();
  const jwksMaxAge = options.jwksMaxAgeSeconds ?? DEFAULT_JWKS_MAX_AGE;
  const keys = await KeyRing.create();
  const clients = new ClientStore();
  const limiter = new RateLimiter(options.dcrRateLimitPerMinute ?? DEFAULT_DCR_RATE_LIMIT);

  let orgUrl = '';
  let issuer = '';
  // Rebuilt whenever the ACTIVE key changes (see ProviderOptions.signingKey).
  let providerCallback: ReturnType<Provider['callback']> | undefined;
  let signingKid = '';
  const useActiveKey = () => {
    signingKid = keys.active.kid;
    const provider = buildProvider({
      issuer,
      registrationEndpoint: `${orgUrl}${CLIENTS_PATH}`,
      scopes,
      clients,
      signingKey: keys.active,
    });
    providerCallback = provider.callback();
  };

  let down = false;
  let faults: FaultSpec[] = [];
  let stats = emptyStats();
  // Key changes generate keys asynchronously: one at a time, so two rotations never interleave.
  let keyChange: Promise<unknown> = Promise.resolve();
  const changeKeys = (change: () => Promise<unknown> | unknown): Promise<KeySummary> => {
    const run = keyChange.then(async () => {
      await change();
      if (keys.active.kid !== signingKid) useActiveKey();
      return keys.summary();
    });
    keyChange = run.catch(() => undefined);
    return run;
  };

  const takeFault = (path: string): FaultSpec | undefined => {
    const fault = faults.find((f) => path.startsWith(f.path));
    if (fault?.times !== undefined) {
      fault.times -= 1;
      if (fault.times <= 0) faults = faults.filter((f) => f !== fault);
    }
    return fault;
  };

  const sign = async (input: unknown): Promise<SignedToken> => {
    const { claims = {}, header = {}, key: which } = (input ?? {}) as {
      claims?: Record<string, unknown>;
      header?: Record<string, unknown>;
      key?: string;
    };
    const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
    if (!isObject(claims) || !isObject(header)) {
      throw new ControlError('claims and header must be objects');
    }
    const key = which === undefined ? keys.active : keys.find(which);
    if (!key) throw new ControlError(`no published key ${JSON.stringify(which)}`);
    const now = Math.floor(Date.now() / 1000);
    const clientId = String(claims.cid ?? claims.client_id ?? claims.sub ?? `0oa${randomAlnum(17)}`);
    const payload = dropNulls({
      ver: 1,
      jti: `AT.${randomAlnum(43)}`,
      iss: issuer,
      aud: AUDIENCE,
      iat: now,
      exp: now + ACCESS_TOKEN_TTL,
      cid: clientId,
      scp: [scopes[0]],
      sub: clientId,
      client_id: clientId,
      ...claims,
    });
    const protectedHeader = dropNulls({ kid: key.kid, alg: 'RS256', ...header });
    if (typeof protectedHeader.alg !== 'string' || !RSA_ALGS.includes(protectedHeader.alg)) {
      throw new ControlError(`header.alg must be one of ${RSA_ALGS.join(', ')} (an RSA key signs)`);
    }
    const token = await new CompactSign(Buffer.from(JSON.stringify(payload)))
      .setProtectedHeader(protectedHeader as { alg: string })
      .sign(key.privateKey);
    return { token, header: protectedHeader, claims: payload };
  };

  const control = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    if (!hasApiToken(req, apiToken)) return sendJson(res, 401, INVALID_TOKEN());
    const route = `${req.method} ${path.slice(CONTROL_PREFIX.length - 1)}`;
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    const ok = (payload: unknown) => sendJson(res, 200, payload);
    const faultList = () => ({ faults });

    switch (route) {
      case 'GET /keys':
        return ok(keys.summary());
      case 'POST /keys/next':
        return ok(await changeKeys(() => keys.addNext()));
      case 'POST /keys/promote':
        return ok(
          await changeKeys(() => {
            if (!keys.promote()) throw new ControlError('there is no NEXT key to promote: POST /__emulator/keys/next first');
          }),
        );
      case 'POST /keys/emergency':
        return ok(await changeKeys(() => keys.emergency()));
      case 'POST /sign':
        return ok(await sign(body));
      case 'GET /faults':
        return ok(faultList());
      case 'POST /faults':
        faults.push(parseFault(body));
        return ok(faultList());
      case 'DELETE /faults':
        faults = [];
        return ok(faultList());
      case 'POST /down':
        down = true;
        return ok({ down });
      case 'POST /up':
        down = false;
        return ok({ down });
      case 'GET /stats':
        return ok(stats);
      case 'POST /stats/reset':
        stats = emptyStats();
        return ok(stats);
      default: {
        const removeKey = /^DELETE \/keys\/([^/]+)$/.exec(route);
        if (removeKey) {
          const kid = decodeURIComponent(removeKey[1]!);
          return ok(
            await changeKeys(() => {
              if (!keys.remove(kid)) throw new ControlError(`${kid} is not a published NEXT or EXPIRED key`);
            }),
          );
        }
        return sendJson(res, 404, { error: 'not_found', error_description: `no control route ${route}` });
      }
    }
  };

  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', orgUrl);
    const path = url.pathname;
    if (path.startsWith(CONTROL_PREFIX)) return control(req, res, path);

    const endpoint = endpointOf(path);
    stats[endpoint] += 1;
    if (down) {
      req.socket.destroy();
      return;
    }
    const fault = takeFault(path);
    // unref: a delayed request must not hold the process open after close().
    if (fault?.delay_ms) await new Promise((resolve) => setTimeout(resolve, fault.delay_ms).unref());
    if (fault?.status !== undefined) {
      const body = fault.body ?? { error: 'emulated_fault', error_description: 'fault injected through /__emulator/faults' };
      return sendJson(res, fault.status, body, fault.headers);
    }

    if (endpoint === 'clients') return handleDcr({ store: clients, limiter, apiToken, orgUrl }, req, res, url);
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
