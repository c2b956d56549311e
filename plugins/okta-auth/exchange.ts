import NodeCache from 'node-cache';
import type { OktaAuthConfig } from './config';
import { AuthFailure } from './errors';
import { spendAttempt, withExchangeSlot } from './exchange-limits';
import type { BasicCredentials } from './extract';
import { callRemote } from './http-client';
import { secretHash } from './secret-hash';

interface ExchangedToken {
  accessToken: string;
  obtainedAt: number;
  /** Epoch milliseconds after which the token is not reused. */
  reuseUntil: number;
}

/** A token is not handed out in its last seconds: it must still be valid when the upstream sees the request. */
const EXPIRY_MARGIN_MS = 30_000;
/** How long credentials the IdP refused are answered from memory. */
const REJECTED_TTL_SECONDS = 30;

// Module level, keyed by token endpoint + client id + secret hash + scopes: shared by every instance.
const tokens = new NodeCache({ useClones: false, checkperiod: 60 });
const rejected = new NodeCache({ useClones: false, stdTTL: REJECTED_TTL_SECONDS, checkperiod: 60 });
const inflight = new Map<string, Promise<ExchangedToken>>();

// RFC 6749 2.3.1: client_secret_basic form-encodes id and secret before base64.
function basicAuthorization({ clientId, clientSecret }: BasicCredentials): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

// The token endpoint refuses credentials and scopes with these (RFC 6749 5.2). Any other answer (a redirect, the 404
// of a wrong token_endpoint) says nothing about the credentials, so it is not remembered as their refusal.
const REFUSAL_STATUSES = new Set([400, 401, 403]);

function exchangeFailure(status: number, body: unknown): AuthFailure {
  if (!REFUSAL_STATUSES.has(status)) return new AuthFailure('idp_unavailable', `the token endpoint answered ${status}`);
  const error = (body as { error?: unknown } | null)?.error;
  if (error === 'invalid_scope' || error === 'access_denied') {
    return new AuthFailure('insufficient_scope', `the identity provider refused the token (${error})`);
  }
  return new AuthFailure(
    'invalid_client',
    typeof error === 'string' ? `client credentials rejected (${error})` : `client credentials rejected (${status})`,
  );
}

async function requestToken(credentials: BasicCredentials, config: OktaAuthConfig, timeoutMs: number): Promise<ExchangedToken> {
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (config.tokenScopes.length > 0) form.set('scope', config.tokenScopes.join(' '));
  const response = await callRemote(
    {
      method: 'POST',
      url: config.tokenEndpoint,
      headers: {
        Authorization: basicAuthorization(credentials),
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      data: form.toString(),
    },
    timeoutMs,
  );
  const body = response.data as { access_token?: unknown; token_type?: unknown; expires_in?: unknown } | null;
  if (response.status !== 200) throw exchangeFailure(response.status, body);
  if (typeof body?.access_token !== 'string' || String(body.token_type).toLowerCase() !== 'bearer') {
    throw new AuthFailure('idp_unavailable', 'the token endpoint answered without a bearer token');
  }
  const obtainedAt = Date.now();
  const expiresInMs = (typeof body.expires_in === 'number' ? body.expires_in : 0) * 1000;
  return {
    accessToken: body.access_token,
    obtainedAt,
    reuseUntil: Math.min(obtainedAt + config.tokenCacheTtlSeconds * 1000, obtainedAt + expiresInMs - EXPIRY_MARGIN_MS),
  };
}

async function exchange(key: string, credentials: BasicCredentials, config: OktaAuthConfig): Promise<ExchangedToken> {
  spendAttempt(credentials.clientId);
  try {
    // timeout_ms bounds the whole exchange: the wait for a slot comes out of the same budget.
    const deadline = Date.now() + config.timeoutMs;
    const token = await withExchangeSlot(deadline, () =>
      requestToken(credentials, config, Math.max(1, deadline - Date.now())),
    );
    const ttlSeconds = Math.floor((token.reuseUntil - token.obtainedAt) / 1000);
    if (ttlSeconds > 0) tokens.set(key, token, ttlSeconds);
    return token;
  } catch (err) {
    // Only the IdP's own refusal is remembered: an outage must not lock valid credentials out after it ends.
    if (err instanceof AuthFailure && (err.code === 'invalid_client' || err.code === 'insufficient_scope')) {
      rejected.set(key, err);
    }
    throw err;
  }
}

export interface ExchangeResult {
  accessToken: string;
  /** Forgets the token, for a cached one that no longer verifies. */
  forget(): void;
}

/**
 * An access token for Basic client credentials: reused per (token endpoint, client id, secret hash, scopes) until
 * `token_cache_ttl` or shortly before it expires, ONE exchange in flight per key, refusals remembered briefly.
 */
export async function accessTokenFor(credentials: BasicCredentials, config: OktaAuthConfig): Promise<ExchangeResult> {
  const key = [config.tokenEndpoint, credentials.clientId, secretHash(credentials.clientSecret), config.tokenScopes.join(' ')].join('\n');
  const forget = () => tokens.del(key);
  const now = Date.now();
  const cached = tokens.get<ExchangedToken>(key);
  // Instances share the cache but may differ in token_cache_ttl: each applies its own bound.
  if (cached && now < cached.reuseUntil && now - cached.obtainedAt < config.tokenCacheTtlSeconds * 1000) {
    return { accessToken: cached.accessToken, forget };
  }
  const refused = rejected.get<AuthFailure>(key);
  if (refused) throw refused;

  let pending = inflight.get(key);
  if (!pending) {
    pending = exchange(key, credentials, config).finally(() => inflight.delete(key));
    inflight.set(key, pending);
  }
  return { accessToken: (await pending).accessToken, forget };
}
