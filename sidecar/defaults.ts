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
} as const;

/** The one portal of this sidecar, in Konnect's shapes (`GET /v3/portals`): its id is fixed. */
export const PORTAL = {
  id: 'f32d905a-ed33-46a3-a093-d8f536af9a8a',
  name: 'default',
  display_name: 'Developer Portal',
} as const;
