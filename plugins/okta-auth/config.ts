import { applySchema as applyKongSchema, plainWording, SchemaViolation } from '../kong-schema';
import { Schema, type AuthMethod, type ConsumerBy } from './schema';

/** The configuration one plugin instance runs with, normalised once when Kong starts the instance. */
export interface OktaAuthConfig {
  issuer: string;
  jwksUri: string;
  tokenEndpoint: string;
  audiences: string[];
  scopesRequired: string[];
  tokenScopes: string[];
  authMethods: ReadonlySet<AuthMethod>;
  credentialClaims: string[];
  leewaySeconds: number;
  timeoutMs: number;
  tokenCacheTtlSeconds: number;
  hideCredentials: boolean;
  realm: string;
  /** Set when the plugin maps client ids to portal applications. */
  sidecar?: SidecarConfig;
  /** Set when the token names a Kong consumer (`consumer_claim`). */
  consumer?: ConsumerConfig;
  /** Kong binds an instance to its service or route: the service name can then be learned once per instance. */
  boundToService: boolean;
}

export interface SidecarConfig {
  url: string;
  token: string;
  cacheTtlSeconds: number;
  staleTtlSeconds: number;
}

export interface ConsumerConfig {
  claims: string[];
  by: ReadonlySet<ConsumerBy>;
  cacheTtlSeconds: number;
}

/** A configuration Kong's schema let through but this plugin cannot run with; the message names the field. */
export class ConfigError extends Error {
  constructor(field: string, problem: string) {
    super(`okta-auth: invalid config.${field}: ${problem}`);
    this.name = 'ConfigError';
  }
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Kong's schema rules (shared with the dev gateway), so the schema stays the one description of every field. */
function applySchema(raw: Record<string, unknown>): Record<string, unknown> {
  try {
    return applyKongSchema(Schema, raw, { unknownFields: 'ignore' });
  } catch (err) {
    if (err instanceof SchemaViolation) throw new ConfigError(err.path, plainWording(err.problem));
    throw err;
  }
}

/** Plain http is allowed only on loopback: tokens and client secrets must never cross a network in clear. */
function checkSecureUrl(field: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(field, `is not a valid URL: ${value}`);
  }
  if (url.protocol === 'https:') return value;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return value;
  throw new ConfigError(field, 'must be an https URL (plain http is allowed only on loopback)');
}

export function normaliseConfig(raw: unknown): OktaAuthConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError('', 'the plugin config must be an object');
  }
  const given = raw as Record<string, unknown>;
  const c = applySchema(given);
  const issuer = checkSecureUrl('issuer', c.issuer as string);
  const authMethods = new Set(c.auth_methods as AuthMethod[]);
  if (authMethods.size === 0) throw new ConfigError('auth_methods', 'must name at least one method');
  if ((c.credential_claim as string[]).length === 0) {
    throw new ConfigError('credential_claim', 'must name at least one claim');
  }
  if ((c.audiences as string[]).length === 0) throw new ConfigError('audiences', 'must name at least one audience');
  // The realm is quoted into WWW-Authenticate: a quote or control character would forge header syntax.
  if (!/^[\x20-\x7e]+$/.test(c.realm as string) || /["\\]/.test(c.realm as string)) {
    throw new ConfigError('realm', 'must be printable ASCII without quotes or backslashes');
  }
  // Okta's issuer has no trailing slash; a configured one must not produce "//v1/keys".
  const base = issuer.replace(/\/+$/, '');
  return {
    issuer,
    jwksUri: checkSecureUrl('jwks_uri', (c.jwks_uri as string | undefined) ?? `${base}/v1/keys`),
    tokenEndpoint: checkSecureUrl('token_endpoint', (c.token_endpoint as string | undefined) ?? `${base}/v1/token`),
    audiences: c.audiences as string[],
    scopesRequired: c.scopes_required as string[],
    tokenScopes: c.token_scopes as string[],
    authMethods,
    credentialClaims: c.credential_claim as string[],
    leewaySeconds: c.leeway as number,
    timeoutMs: c.timeout_ms as number,
    tokenCacheTtlSeconds: c.token_cache_ttl as number,
    hideCredentials: c.hide_credentials as boolean,
    realm: c.realm as string,
    sidecar: sidecarConfig(c),
    consumer: consumerConfig(c),
    boundToService: typeof given.service_id === 'string' || typeof given.route_id === 'string',
  };
}

function sidecarConfig(c: Record<string, unknown>): SidecarConfig | undefined {
  // Kong turns a vault reference it cannot resolve into nil: half a sidecar config is a missing variable, and
  // running without the application check would let every client of the issuer through.
  if (c.sidecar_url === undefined) {
    if (c.sidecar_token !== undefined) throw new ConfigError('sidecar_url', 'is required when sidecar_token is set');
    return undefined;
  }
  if (c.sidecar_token === undefined) throw new ConfigError('sidecar_token', 'is required when sidecar_url is set');
  return {
    // The gateway token crosses the wire: the same https-or-loopback rule as for the IdP.
    url: checkSecureUrl('sidecar_url', c.sidecar_url as string).replace(/\/+$/, ''),
    token: c.sidecar_token as string,
    cacheTtlSeconds: c.sidecar_cache_ttl as number,
    staleTtlSeconds: c.sidecar_stale_ttl as number,
  };
}

function consumerConfig(c: Record<string, unknown>): ConsumerConfig | undefined {
  const claims = c.consumer_claim as string[] | undefined;
  if (claims === undefined || claims.length === 0) return undefined;
  const by = new Set(c.consumer_by as ConsumerBy[]);
  if (by.size === 0) throw new ConfigError('consumer_by', 'must name at least one field');
  return { claims, by, cacheTtlSeconds: c.consumer_cache_ttl as number };
}
