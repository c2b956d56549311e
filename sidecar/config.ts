import path from 'node:path';
import { isIP } from 'node:net';
import type { AccountSettings } from './domain/accounts/settings';
import { DEFAULTS } from './defaults';

/** The sidecar's settings, read from the environment once at start-up. */
export interface SidecarConfig {
  port: number;
  host: string;
  dataDir: string;
  /** Unset: SQLite in the data directory. */
  databaseUrl: string | undefined;
  adminToken: string;
  gatewayToken: string;
  encryptionKey: Buffer;
  /** Keys of earlier rotations: they only decrypt what was stored before. */
  previousEncryptionKeys: Buffer[];
  /** Total deadline of one IdP operation, retries included. */
  idpTimeoutMs: number;
  /** Applications one developer may create per hour. */
  creationLimitPerHour: number;
  /** The name prefix of our clients at the IdP; reconcile touches no other client. */
  clientNamePrefix: string;
  /** The sidecar's own URL as browsers reach it (SIDECAR_PUBLIC_URL): the admin console's origin. */
  consoleUrl: string;
  /** Where the portal (the developers' face: `/api/v2`) listens. */
  portalPort: number;
  portalHost: string;
  /** Other origins whose front ends may call `/api/v2` with the portal's cookie (credentialed CORS). */
  portalAllowedOrigins: string[];
  /** The gateway's address as developers reach it, for the ready-to-run commands of the portal's pages. */
  portalGatewayUrl: string | undefined;
  /** Peers whose X-Forwarded-For is believed (addresses or CIDRs); anyone else's address is the socket's. */
  trustedProxies: string[];
  accounts: AccountSettings;
  /** Unset: mails are `.eml` files in `<dataDir>/mail`. */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** How often the background pass (deletion retries, late-registration checks, purges) runs. */
  housekeepingIntervalMs: number;
  /** How long after a registration that got no answer to look for its client at the IdP. */
  lateRegistrationCheckDelaySeconds: number;
  /** The declarative file Kong reads (kong.yml): its services are what applications can register for. */
  kongDeclarativeConfig: string | undefined;
}

/** A setting that is missing or malformed; the message names the variable and never echoes its value. */
export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

const MIN_TOKEN_LENGTH = 32;

function requiredToken(env: NodeJS.ProcessEnv, variable: string): string {
  const value = env[variable];
  if (!value) throw new ConfigError(variable, 'is required');
  // Short tokens can be guessed; generated ones (npm start) are far longer.
  if (value.length < MIN_TOKEN_LENGTH) throw new ConfigError(variable, `must be at least ${MIN_TOKEN_LENGTH} characters`);
  return value;
}

function base64Key(variable: string, value: string): Buffer {
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32 || key.toString('base64') !== value) {
    throw new ConfigError(variable, 'must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)');
  }
  return key;
}

function encryptionKey(env: NodeJS.ProcessEnv): Buffer {
  const value = env.SIDECAR_ENCRYPTION_KEY;
  if (!value) throw new ConfigError('SIDECAR_ENCRYPTION_KEY', 'is required');
  return base64Key('SIDECAR_ENCRYPTION_KEY', value);
}

function previousEncryptionKeys(env: NodeJS.ProcessEnv): Buffer[] {
  const values = (env.SIDECAR_PREVIOUS_ENCRYPTION_KEYS ?? '').split(',').filter(Boolean);
  return values.map((value) => base64Key('SIDECAR_PREVIOUS_ENCRYPTION_KEYS', value.trim()));
}

function integer(env: NodeJS.ProcessEnv, variable: string, fallback: number, min: number, max: number): number {
  const value = env[variable] || String(fallback);
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < min || parsed > max) {
    throw new ConfigError(variable, `must be a whole number from ${min} to ${max}`);
  }
  return parsed;
}

function clientNamePrefix(env: NodeJS.ProcessEnv): string {
  const value = env.SIDECAR_CLIENT_NAME_PREFIX || DEFAULTS.clientNamePrefix;
  // Long and plain enough to be a safe prefix match at the IdP: reconcile deletes what matches it.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{3,39}$/.test(value)) {
    throw new ConfigError('SIDECAR_CLIENT_NAME_PREFIX', 'must be 4 to 40 letters, digits, ".", "_" or "-"');
  }
  return value;
}

function databaseUrl(env: NodeJS.ProcessEnv): string | undefined {
  const value = env.DATABASE_URL;
  if (!value) return undefined;
  if (!/^postgres(ql)?:\/\//.test(value)) throw new ConfigError('DATABASE_URL', 'must be a postgres:// URL');
  return value;
}

function flag(env: NodeJS.ProcessEnv, variable: string, fallback: boolean): boolean {
  const value = env[variable];
  if (!value) return fallback;
  if (value !== 'true' && value !== 'false') throw new ConfigError(variable, 'must be true or false');
  return value === 'true';
}

function origin(variable: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(variable, 'must hold URLs (scheme, host and port)');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(variable, 'must hold http(s) URLs');
  return url.origin;
}

const list = (env: NodeJS.ProcessEnv, variable: string) =>
  (env[variable] ?? '').split(',').map((value) => value.trim()).filter(Boolean);

function trustedProxies(env: NodeJS.ProcessEnv): string[] {
  const values = list(env, 'SIDECAR_TRUSTED_PROXIES');
  for (const value of values) {
    const [address, bits, extra] = value.split('/');
    if (extra !== undefined || !isIP(address ?? '') || (bits !== undefined && !/^\d{1,3}$/.test(bits))) {
      throw new ConfigError('SIDECAR_TRUSTED_PROXIES', 'must be comma-separated IP addresses or CIDR ranges');
    }
  }
  return values;
}

function accountSettings(env: NodeJS.ProcessEnv, portalPort: number): AccountSettings {
  const defaults = DEFAULTS.accounts;
  const minutes = 60_000;
  return {
    ...defaults,
    portalUrl: origin('PORTAL_PUBLIC_URL', env.PORTAL_PUBLIC_URL || `http://127.0.0.1:${portalPort}`),
    autoApproveDevelopers: flag(env, 'PORTAL_AUTO_APPROVE_DEVELOPERS', defaults.autoApproveDevelopers),
    requireEmailVerification: flag(env, 'PORTAL_REQUIRE_EMAIL_VERIFICATION', defaults.requireEmailVerification),
    session: {
      idleMs: integer(env, 'PORTAL_SESSION_IDLE_MINUTES', defaults.session.idleMs / minutes, 1, 1440) * minutes,
      absoluteMs: integer(env, 'PORTAL_SESSION_ABSOLUTE_HOURS', defaults.session.absoluteMs / (60 * minutes), 1, 720) * 60 * minutes,
    },
  };
}

function smtpUrl(env: NodeJS.ProcessEnv): string | undefined {
  const value = env.SMTP_URL;
  if (value && !/^smtps?:\/\//.test(value)) throw new ConfigError('SMTP_URL', 'must be an smtp:// or smtps:// URL');
  return value || undefined;
}

/** Where a browser reaches a listener by default: its host, or loopback for a wildcard address. */
function browserHost(host: string): string {
  if (host === '' || host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** Reads and checks every setting; throws ConfigError for the first bad one. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): SidecarConfig {
  // 0: any free port, as SIDECAR_PORT.
  const portalPort = integer(env, 'PORTAL_PORT', DEFAULTS.portalPort, 0, 65535);
  // 0: any free port (the log line `Server listening at` names it).
  const port = integer(env, 'SIDECAR_PORT', DEFAULTS.port, 0, 65535);
  const host = env.SIDECAR_HOST ?? DEFAULTS.host;
  return {
    port,
    host,
    consoleUrl: origin('SIDECAR_PUBLIC_URL', env.SIDECAR_PUBLIC_URL || `http://${browserHost(host)}:${port}`),
    dataDir: path.resolve(env.SIDECAR_DATA_DIR || DEFAULTS.dataDir),
    databaseUrl: databaseUrl(env),
    adminToken: requiredToken(env, 'SIDECAR_ADMIN_TOKEN'),
    gatewayToken: requiredToken(env, 'SIDECAR_GATEWAY_TOKEN'),
    encryptionKey: encryptionKey(env),
    previousEncryptionKeys: previousEncryptionKeys(env),
    idpTimeoutMs: integer(env, 'SIDECAR_IDP_TIMEOUT_MS', DEFAULTS.idpTimeoutMs, 100, 120_000),
    creationLimitPerHour: integer(env, 'SIDECAR_APPLICATION_CREATIONS_PER_HOUR', DEFAULTS.creationLimit.count, 1, 100_000),
    clientNamePrefix: clientNamePrefix(env),
    portalPort,
    portalHost: env.PORTAL_HOST ?? DEFAULTS.portalHost,
    portalAllowedOrigins: list(env, 'PORTAL_ALLOWED_ORIGINS').map((value) => origin('PORTAL_ALLOWED_ORIGINS', value)),
    portalGatewayUrl: env.PORTAL_GATEWAY_URL ? origin('PORTAL_GATEWAY_URL', env.PORTAL_GATEWAY_URL) : undefined,
    trustedProxies: trustedProxies(env),
    accounts: accountSettings(env, portalPort),
    smtpUrl: smtpUrl(env),
    mailFrom: env.PORTAL_MAIL_FROM || DEFAULTS.mailFrom,
    housekeepingIntervalMs: integer(env, 'SIDECAR_HOUSEKEEPING_INTERVAL_MS', DEFAULTS.housekeepingIntervalMs, 10, 3_600_000),
    lateRegistrationCheckDelaySeconds: integer(
      env,
      'SIDECAR_LATE_REGISTRATION_CHECK_DELAY_SECONDS',
      DEFAULTS.lateRegistrationCheckDelayMs / 1000,
      0,
      86_400,
    ),
    kongDeclarativeConfig: env.SIDECAR_KONG_DECLARATIVE_CONFIG ? path.resolve(env.SIDECAR_KONG_DECLARATIVE_CONFIG) : undefined,
  };
}
