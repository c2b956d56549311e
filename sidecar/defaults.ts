import type { AccountSettings } from './domain/accounts/settings';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Every default of the sidecar, in one place: the environment's settings (config.ts) and the app's options
 * (app.ts) fall back to these.
 */
export const DEFAULTS = {
  port: 8080,
  host: '127.0.0.1',
  dataDir: './data',
  /** Total deadline of one IdP operation, retries included. */
  idpTimeoutMs: 10_000,
  /** Application creations allowed per developer per window: each one is a registration at the IdP. */
  creationLimit: { count: 20, windowMs: 3_600_000 },
  /**
   * Every client we register at an IdP is named with this prefix unless configured: reconcile only ever touches
   * such clients. Sidecars sharing one IdP org (staging and production) need different prefixes.
   */
  clientNamePrefix: 'kong-dcr-',
  /** Backoff of IdP clean-up retries (client deletions, uncertain registration checks). */
  deletionBackoff: { baseMs: 5_000, maxMs: 3_600_000 },
  /** How long after a registration that got no answer to look for its client at the IdP. */
  lateRegistrationCheckDelayMs: 300_000,
  /** How often the background pass runs. */
  housekeepingIntervalMs: 5_000,
  /** Orphans younger than this may still be getting their application row: reconcile leaves them alone. */
  reconcileGraceSeconds: 300,
  logLevel: 'info',
  /** The admin console's origin when SIDECAR_PUBLIC_URL is unset: where the sidecar listens by default. */
  consoleUrl: 'http://127.0.0.1:8080',
  /** The portal's listener (the developers' face). */
  portalPort: 8081,
  portalHost: '127.0.0.1',
  mailFrom: 'Developer Portal <portal@localhost>',
  /** Developer accounts: every setting but the portal's URL, which follows from where the portal listens. */
  accounts: {
    autoApproveDevelopers: false,
    requireEmailVerification: true,
    linkTtlMs: { verify_email: 24 * HOUR, reset_password: HOUR, invitation: 7 * 24 * HOUR },
    session: { idleMs: 30 * MINUTE, absoluteMs: 12 * HOUR },
    signIn: { windowMs: 15 * MINUTE, maxFailuresPerEmail: 5, maxFailuresPerAddress: 50, baseDelayMs: 1_000, maxDelayMs: 30_000 },
    mailsPerAddressPerHour: 20,
  } satisfies Omit<AccountSettings, 'portalUrl'>,
} as const;

/** The one portal of this sidecar, in Konnect's shapes (`GET /v3/portals`): its id is fixed. */
export const PORTAL = {
  id: '5b3a2c1d-7e4f-4a8b-9c0d-1e2f3a4b5c6d',
  name: 'default',
  display_name: 'Developer Portal',
} as const;
