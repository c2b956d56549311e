/**
 * Test fixture: the local Okta-compatible server (devstack/okta-emulator) as a child process.
 *
 * oidc-provider cannot be loaded inside jest, so tests run the built CLI (`npm test` builds first; after editing
 * the emulator outside `npm test`, run `npm run build`). Typical use:
 *
 *   let okta: OktaEmulatorFixture;
 *   beforeAll(async () => { okta = await startOktaEmulator(); });
 *   afterAll(() => okta.stop());
 *
 *   const { client_id, client_secret } = await okta.dcr.createClient();
 *   const accessToken = await okta.token(client_id, client_secret!);
 *   await okta.control.emergencyRotate();
 *
 * One emulator is shared by a file's tests: clean up what a test changes (`control.clearFaults()`, `control.up()`).
 * Set OKTA_EMULATOR_DEBUG=1 to see the emulator's stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

import axios, { type AxiosInstance, type AxiosResponse, type Method } from 'axios';

import type { EmulatorStats, FaultSpec, KeySummary, SignedToken } from '../../devstack/okta-emulator/control-api';
import type { RandomFaultCounts, RandomFaultOptions } from '../../devstack/okta-emulator/random-faults';

export type { EmulatorStats, FaultSpec, KeyStatus, KeySummary, SignedToken } from '../../devstack/okta-emulator/control-api';

export const EMULATOR_MAIN = path.resolve(__dirname, '../../dist/devstack/okta-emulator/main.js');

export interface StartOptions {
  /** The DCR and control API token; a fixed test token by default. */
  apiToken?: string;
  /** The authorization server's scopes, the first is the default one. ['api:read'] by default. */
  scopes?: string[];
  /** DCR requests a minute before 429 (0 = off). 0 by default here, so tests do not trip over it by accident. */
  dcrRateLimitPerMinute?: number;
  /** max-age of /v1/keys' Cache-Control. 3600 by default. */
  jwksMaxAgeSeconds?: number;
  /** OKTA_EMULATOR_DATA_DIR: where the clients and keys are kept between runs; in memory only by default. */
  dataDir?: string;
  /** OKTA_EMULATOR_RANDOM_FAULTS: seeded random faults on the DCR API; none by default. */
  randomFaults?: RandomFaultOptions;
  /** How long to wait for the ready line. */
  startTimeoutMs?: number;
}

/** A client as Okta's DCR API returns it (client_secret only on create and newSecret). */
export interface OktaClient {
  client_id: string;
  client_secret?: string;
  client_id_issued_at: number;
  client_secret_expires_at: number;
  client_name: string;
  application_type: string;
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: string;
  redirect_uris?: string[];
  [field: string]: unknown;
}

export interface OktaEmulatorFixture {
  /** `http://127.0.0.1:<port>/oauth2/default` */
  issuer: string;
  /** `http://127.0.0.1:<port>` */
  orgUrl: string;
  port: number;
  apiToken: string;
  jwksUri: string;
  tokenEndpoint: string;
  /** Plain axios on orgUrl: no credentials, never throws on an HTTP status. */
  http: AxiosInstance;
  control: {
    keys(): Promise<KeySummary>;
    /** Publishes a new NEXT key (not signing yet). */
    nextKey(): Promise<KeySummary>;
    /** NEXT signs from now on; the old ACTIVE key stays published as EXPIRED. */
    promoteKey(): Promise<KeySummary>;
    /** A never-published key signs from now on; the old ACTIVE key stays published as EXPIRED. */
    emergencyRotate(): Promise<KeySummary>;
    /** Withdraws a NEXT or EXPIRED key from /v1/keys. */
    removeKey(kid: string): Promise<KeySummary>;
    /**
     * Signs a token like a real access token, with `claims` over the defaults and `header` over {kid, alg: RS256};
     * a null value removes a claim or header field. `key` picks the signing key by kid or status (ACTIVE by default).
     */
    sign(claims?: Record<string, unknown>, header?: Record<string, unknown>, key?: string): Promise<SignedToken>;
    fault(spec: FaultSpec): Promise<void>;
    clearFaults(): Promise<void>;
    /** Every non-control request gets its connection destroyed without an answer until up(). */
    down(): Promise<void>;
    up(): Promise<void>;
    stats(): Promise<EmulatorStats>;
    resetStats(): Promise<void>;
    /** The random faults injected so far (started with `randomFaults` only). */
    randomFaults(): Promise<RandomFaultCounts>;
    /** Injects no more random faults; answers the counts. */
    stopRandomFaults(): Promise<RandomFaultCounts>;
  };
  dcr: {
    /** POST /oauth2/v1/clients; by default the machine-to-machine body Kong's Okta driver sends. Throws unless 201. */
    createClient(body?: Record<string, unknown>): Promise<OktaClient>;
    /** Any call on the DCR API with the API token, e.g. request('GET', '/0oa...'); never throws on an HTTP status. */
    request(method: Method, subpath?: string, body?: unknown): Promise<AxiosResponse>;
  };
  /** client_credentials with client_secret_basic; throws unless 200. Returns the access token. */
  token(clientId: string, clientSecret: string, scope?: string): Promise<string>;
  /** The same exchange returning the raw answer, for error cases. */
  tokenResponse(clientId: string, clientSecret: string, scope?: string): Promise<AxiosResponse>;
  stop(): Promise<void>;
}

export const TEST_API_TOKEN = '00test-okta-emulator-api-token';

let clientCounter = 0;

function check<T>(response: AxiosResponse<T>, expected: number, what: string): T {
  if (response.status !== expected) {
    throw new Error(`${what}: expected HTTP ${expected}, got ${response.status} ${JSON.stringify(response.data)}`);
  }
  return response.data;
}

/** Spawns `node dist/devstack/okta-emulator/main.js` on a free port and waits for its ready line. */
export async function startOktaEmulator(options: StartOptions = {}): Promise<OktaEmulatorFixture> {
  if (!existsSync(EMULATOR_MAIN)) {
    throw new Error(`${EMULATOR_MAIN} is missing: run \`npm run build\` first (\`npm test\` does)`);
  }
  const apiToken = options.apiToken ?? TEST_API_TOKEN;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OKTA_EMULATOR_PORT: '0',
    OKTA_EMULATOR_API_TOKEN: apiToken,
    OKTA_EMULATOR_DCR_RATE_LIMIT: String(options.dcrRateLimitPerMinute ?? 0),
  };
  if (options.scopes) env.OKTA_EMULATOR_SCOPES = options.scopes.join(',');
  if (options.dataDir !== undefined) env.OKTA_EMULATOR_DATA_DIR = options.dataDir;
  if (options.jwksMaxAgeSeconds !== undefined) env.OKTA_EMULATOR_JWKS_MAX_AGE = String(options.jwksMaxAgeSeconds);
  if (options.randomFaults !== undefined) env.OKTA_EMULATOR_RANDOM_FAULTS = JSON.stringify(options.randomFaults);

  const child = spawn(process.execPath, [EMULATOR_MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    if (process.env.OKTA_EMULATOR_DEBUG) process.stderr.write(chunk);
    stderr = (stderr + chunk).slice(-8192);
  });

  let ready: { issuer: string; port: number };
  try {
    ready = await waitForReady(child, options.startTimeoutMs ?? 20_000, () => stderr);
  } catch (err) {
    child.kill('SIGKILL');
    process.off('exit', killOnExit);
    throw err;
  }

  const orgUrl = new URL(ready.issuer).origin;
  const http = axios.create({ baseURL: orgUrl, validateStatus: () => true, proxy: false });
  const auth = { Authorization: `SSWS ${apiToken}` };

  const call = async <T>(method: Method, route: string, body?: unknown): Promise<T> =>
    check(await http.request<T>({ method, url: `/__emulator${route}`, data: body, headers: auth }), 200, `${method} /__emulator${route}`);

  const tokenResponse = (clientId: string, clientSecret: string, scope?: string) =>
    http.post(`${ready.issuer}/v1/token`, new URLSearchParams({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) }), {
      auth: { username: clientId, password: clientSecret },
    });

  const dcrRequest = (method: Method, subpath = '', body?: unknown) =>
    http.request({ method, url: `/oauth2/v1/clients${subpath}`, data: body, headers: auth });

  return {
    issuer: ready.issuer,
    orgUrl,
    port: ready.port,
    apiToken,
    jwksUri: `${ready.issuer}/v1/keys`,
    tokenEndpoint: `${ready.issuer}/v1/token`,
    http,
    control: {
      keys: () => call('GET', '/keys'),
      nextKey: () => call('POST', '/keys/next'),
      promoteKey: () => call('POST', '/keys/promote'),
      emergencyRotate: () => call('POST', '/keys/emergency'),
      removeKey: (kid) => call('DELETE', `/keys/${encodeURIComponent(kid)}`),
      sign: (claims = {}, header = {}, key) => call('POST', '/sign', { claims, header, ...(key ? { key } : {}) }),
      fault: async (spec) => void (await call('POST', '/faults', spec)),
      clearFaults: async () => void (await call('DELETE', '/faults')),
      down: async () => void (await call('POST', '/down')),
      up: async () => void (await call('POST', '/up')),
      stats: () => call('GET', '/stats'),
      resetStats: async () => void (await call('POST', '/stats/reset')),
      randomFaults: () => call('GET', '/random-faults'),
      stopRandomFaults: () => call('DELETE', '/random-faults'),
    },
    dcr: {
      createClient: async (body) => {
        clientCounter += 1;
        const m2m = {
          client_name: `test client ${process.pid}-${clientCounter}`,
          application_type: 'service',
          grant_types: ['client_credentials'],
          response_types: ['token'],
          token_endpoint_auth_method: 'client_secret_basic',
          redirect_uris: [],
        };
        return check(await dcrRequest('POST', '', body ?? m2m), 201, 'POST /oauth2/v1/clients') as OktaClient;
      },
      request: dcrRequest,
    },
    token: async (clientId, clientSecret, scope) =>
      check(await tokenResponse(clientId, clientSecret, scope), 200, 'client_credentials token').access_token as string,
    tokenResponse,
    stop: async () => {
      process.off('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function waitForReady(child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<{ issuer: string; port: number }> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    const fail = (message: string) => {
      cleanup();
      reject(new Error(`okta emulator: ${message}\n--- its stderr ---\n${stderr()}`));
    };
    const onData = (chunk: string) => {
      stdout += chunk;
      const newline = stdout.indexOf('\n');
      if (newline < 0) return;
      cleanup();
      try {
        const event = JSON.parse(stdout.slice(0, newline)) as { event?: string; issuer: string; port: number };
        if (event.event !== 'ready') throw new Error(`unexpected first line ${stdout.slice(0, newline)}`);
        resolve(event);
      } catch (err) {
        reject(err);
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => fail(`exited before ready (code ${code}, signal ${signal})`);
    const timer = setTimeout(() => fail(`not ready after ${timeoutMs} ms`), timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
    };
    child.stdout!.setEncoding('utf8').on('data', onData);
    child.once('exit', onExit);
  });
}
