// The emulator's options, their defaults and their checks.
import { checkRandomFaults, type RandomFaultOptions } from './random-faults';

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
  /** Where clients.json and keys.json keep the clients and signing keys between runs; in memory only when absent. */
  dataDir?: string;
  /** Seeded random faults on the DCR API, for load tests (see random-faults.ts); none when absent. */
  randomFaults?: RandomFaultOptions;
}

export const DEFAULT_SCOPES = ['api:read'];
export const DEFAULT_DCR_RATE_LIMIT = 100;
export const DEFAULT_JWKS_MAX_AGE = 3600;

/** RFC 6749 scope-token: printable ASCII without space, `"` and `\`. */
export const isScopeName = (scope: string): boolean => /^[\x21\x23-\x5B\x5D-\x7E]+$/.test(scope);

export function checkOptions(o: OktaEmulatorOptions): void {
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
  if (o.randomFaults !== undefined) checkRandomFaults(o.randomFaults);
  if (o.scopes !== undefined) {
    if (!o.scopes.length) throw new Error('scopes must name at least one scope');
    const bad = o.scopes.find((s) => !isScopeName(s));
    if (bad !== undefined) throw new Error(`scopes: ${JSON.stringify(bad)} is not a valid scope name`);
  }
}
