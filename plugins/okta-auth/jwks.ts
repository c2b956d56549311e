import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { AuthFailure } from './errors';
import { callRemote } from './http-client';
import { forgetKeys } from './verified-tokens';

/**
 * The signing keys of one issuer (one `jwks_uri`), shared by every plugin instance that names it.
 *
 * - Fresh for the response's Cache-Control max-age, clamped to [1 min, 1 h] (5 min when absent): a key removed
 *   from the JWKS stops being trusted within an hour at most.
 * - Refreshed in the background once 3/4 of that time has passed, so no request waits for a routine refresh.
 * - Once expired (no lookup came in time to refresh it), the next lookup waits for the refresh: a removed key is
 *   never trusted past expiry while the IdP answers.
 * - While the IdP cannot be reached the cached keys keep working, for up to MAX_STALE_MS past their freshness,
 *   and failed refreshes are retried in the background no more than once per REFRESH_RETRY_MS.
 * - An unknown `kid` refetches at most once per UNKNOWN_KID_COOLDOWN_MS (single flight): a key rotated in is
 *   trusted within that time, and a flood of tokens with made-up kids cannot become a flood at the IdP. Callers
 *   ask for that refetch only after the token's issuer, audience and expiry passed.
 */
const MIN_TTL_MS = 60_000;
export const MAX_TTL_MS = 3_600_000;
const DEFAULT_TTL_MS = 300_000;
const MAX_STALE_MS = 24 * 3_600_000;
const REFRESH_RETRY_MS = 5_000;
// With no usable keys every request needs a fetch: while the IdP is down, answer from the last failure instead.
const FAILURE_BACKOFF_MS = 1_000;
const UNKNOWN_KID_COOLDOWN_MS = 10_000;

function ttlFrom(cacheControl: unknown): number {
  const maxAge = typeof cacheControl === 'string' ? /(?:^|,)\s*max-age=(\d+)/i.exec(cacheControl) : null;
  if (!maxAge) return DEFAULT_TTL_MS;
  return Math.min(MAX_TTL_MS, Math.max(MIN_TTL_MS, Number(maxAge[1]) * 1000));
}

/** A public key, parsed once per key set fetch (and kept as the same object while the JWKS keeps it). */
export type PublicKey = KeyObject;

/** RS256 signing keys only: a key for another algorithm or for encryption can never verify our tokens. */
function importKeys(body: unknown, previous: Map<string, PublicKey>): Map<string, PublicKey> {
  const keys = new Map<string, PublicKey>();
  const list = (body as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) throw new AuthFailure('idp_unavailable', 'the identity provider sent no key set');
  for (const jwk of list as JsonWebKey[]) {
    if (jwk.kty !== 'RSA' || typeof jwk.kid !== 'string') continue;
    if (jwk.use !== undefined && jwk.use !== 'sig') continue;
    if (jwk.alg !== undefined && jwk.alg !== 'RS256') continue;
    try {
      const key = createPublicKey({ key: { kty: jwk.kty, n: jwk.n, e: jwk.e }, format: 'jwk' });
      // The same key keeps the same object, so the tokens it verified stay cached across refreshes.
      const known = previous.get(jwk.kid);
      keys.set(jwk.kid, known?.equals(key) ? known : key);
    } catch {
      // One malformed key must not take the issuer's other keys down with it.
    }
  }
  return keys;
}

export class RemoteKeySet {
  private keys = new Map<string, PublicKey>();
  private fetchedAt = 0;
  private ttlMs = 0;
  private lastAttemptAt = 0;
  private lastFailure: { at: number; error: unknown } | undefined;
  private lastUnknownKidFetchAt = -Infinity;
  private inflight: Promise<void> | undefined;

  constructor(readonly jwksUri: string) {}

  /**
   * The key for `kid` when the key set is within 3/4 of its freshness (no refresh due), without waiting: the
   * verified-token cache's hit path. Undefined means "ask get()", not "unknown".
   */
  freshKey(kid: string, now = Date.now()): PublicKey | undefined {
    return this.fetchedAt !== 0 && now - this.fetchedAt <= this.ttlMs * 0.75 ? this.keys.get(kid) : undefined;
  }

  /** The key for `kid`, or undefined when the (fresh enough) key set does not have it. */
  async get(kid: string, timeoutMs: number, now = Date.now()): Promise<PublicKey | undefined> {
    const age = now - this.fetchedAt;
    if (this.fetchedAt === 0 || age > this.ttlMs + MAX_STALE_MS) {
      if (!this.inflight && this.lastFailure && now - this.lastFailure.at < FAILURE_BACKOFF_MS) {
        throw this.lastFailure.error;
      }
      await this.refresh(timeoutMs);
    } else if (age >= this.ttlMs && !this.lastFailure) {
      await this.refresh(timeoutMs).catch(() => {
        // The IdP is unreachable: the expired keys serve (stale), and later lookups retry in the background.
      });
    } else if (age > this.ttlMs * 0.75 && now - this.lastAttemptAt > REFRESH_RETRY_MS) {
      this.refresh(timeoutMs).catch(() => {
        // Cached keys keep serving; the failure is retried after REFRESH_RETRY_MS.
      });
    }
    return this.keys.get(kid);
  }

  /**
   * For a `kid` the cached set lacks: refetch when the cooldown allows, then look again. Returns undefined when
   * the key is still unknown or the cooldown forbids a refetch now.
   */
  async refetchFor(kid: string, timeoutMs: number, now = Date.now()): Promise<PublicKey | undefined> {
    if (this.inflight) {
      await this.inflight;
    } else if (now - this.lastUnknownKidFetchAt >= UNKNOWN_KID_COOLDOWN_MS) {
      this.lastUnknownKidFetchAt = now;
      await this.refresh(timeoutMs);
    }
    return this.keys.get(kid);
  }

  private refresh(timeoutMs: number): Promise<void> {
    this.inflight ??= this.fetch(timeoutMs).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async fetch(timeoutMs: number): Promise<void> {
    this.lastAttemptAt = Date.now();
    try {
      await this.load(timeoutMs);
      this.lastFailure = undefined;
    } catch (error) {
      this.lastFailure = { at: Date.now(), error };
      throw error;
    }
  }

  private async load(timeoutMs: number): Promise<void> {
    const response = await callRemote({ method: 'GET', url: this.jwksUri }, timeoutMs);
    if (response.status !== 200) {
      throw new AuthFailure('idp_unavailable', `key set request answered ${response.status}`);
    }
    const keys = importKeys(response.data, this.keys);
    this.keys = keys;
    // A verified token stays trusted only while the very key that verified it is published.
    forgetKeys(this.jwksUri, (kid, key) => keys.get(kid) !== key);
    this.ttlMs = ttlFrom(response.headers['cache-control']);
    this.fetchedAt = Date.now();
  }
}

const keySets = new Map<string, RemoteKeySet>();

/** Module level: Kong starts a new instance per worker and per config change, and they must share the keys. */
export function keySetFor(jwksUri: string): RemoteKeySet {
  let keySet = keySets.get(jwksUri);
  if (!keySet) {
    keySet = new RemoteKeySet(jwksUri);
    keySets.set(jwksUri, keySet);
  }
  return keySet;
}
