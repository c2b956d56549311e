import { verify as verifyRsa } from 'node:crypto';
import type { OktaAuthConfig } from './config';
import { AuthFailure } from './errors';
import { keySetFor, type PublicKey } from './jwks';
import { forgetSignature, rememberSignature, tokenDigest, verifiedSignature } from './verified-tokens';

/** What the gateway needs to know of a verified access token. */
export interface VerifiedToken {
  clientId: string;
  scopes: string[];
  /** Expiry, epoch seconds. */
  expiresAt: number;
  /** Every verified claim, for the per-instance choices made after verification (consumer_claim). */
  claims: Record<string, unknown>;
}

type Claims = Record<string, unknown>;
type Header = Record<string, unknown>;

/** A value now, or a promise of it when a key set must be fetched first: the cheap paths stay synchronous. */
export type MaybeAsync<T> = T | Promise<T>;

// A token that brings its own key (or a pointer to one) asks to be trusted on its own word.
const SELF_KEYED_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'] as const;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

type InvalidReason =
  | 'malformed token'
  | 'unsupported token algorithm'
  | 'token must not carry its own key'
  | 'unsupported critical header'
  | 'token has no key id'
  | 'iss must be a string'
  | 'aud must be a string or an array of strings'
  | 'exp must be a number'
  | 'iat must be a number'
  | 'nbf must be a number'
  | 'unexpected issuer'
  | 'unexpected audience'
  | 'token expired'
  | 'token not valid yet'
  | 'token issued in the future'
  | 'unknown signing key'
  | 'invalid signature'
  | 'token has no client id claim';

// One failure object per reason (a closed set of literals, so a bounded map): building an Error per refusal was a
// large part of what a refusal cost (`npm run bench`, instructions per request).
const failures = new Map<InvalidReason, AuthFailure>();

function invalid(reason: InvalidReason): AuthFailure {
  let failure = failures.get(reason);
  if (!failure) {
    failure = new AuthFailure('invalid_token', reason);
    failures.set(reason, failure);
  }
  return failure;
}

// Three base64url segments (the signature may be empty, as in alg none): anything else is refused before the
// token is hashed or decoded.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * One JSON object from a base64url segment COMPACT_JWS already vetted, or undefined. Decoded here rather than by
 * fast-jwt's decoder, which tests the segments' alphabet again and builds errors with stack traces: the same
 * Buffer base64url decoding and JSON.parse, half the work, on the path every refused token takes.
 */
function segmentObject(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function decodeToken(token: string): { kid: string; payload: Claims } {
  const firstDot = token.indexOf('.');
  const header: Header | undefined = segmentObject(token.slice(0, firstDot));
  if (!header) throw invalid('malformed token');
  const payload: Claims | undefined = segmentObject(token.slice(firstDot + 1, token.lastIndexOf('.')));
  if (!payload) throw invalid('malformed token');
  if (header.alg !== 'RS256') throw invalid('unsupported token algorithm');
  if (SELF_KEYED_HEADERS.some((name) => name in header)) throw invalid('token must not carry its own key');
  // RFC 7515 4.1.11: a critical extension the recipient does not implement must be refused; this one implements none.
  if ('crit' in header) throw invalid('unsupported critical header');
  if (typeof header.kid !== 'string' || header.kid === '') throw invalid('token has no key id');
  return { kid: header.kid, payload };
}

function checkRegisteredTypes(payload: Claims): void {
  // Checked here, whichever library verifies: a verifier that coerces or skips a claim of the wrong type must never
  // be the one deciding (an `exp` of "9999999999" or an `aud` of [5, "api://default"]).
  if (typeof payload.iss !== 'string') throw invalid('iss must be a string');
  const aud = payload.aud;
  if (!(typeof aud === 'string' || (Array.isArray(aud) && aud.every((entry) => typeof entry === 'string')))) {
    throw invalid('aud must be a string or an array of strings');
  }
  if (typeof payload.exp !== 'number') throw invalid('exp must be a number');
  if (typeof payload.iat !== 'number') throw invalid('iat must be a number');
  if (payload.nbf !== undefined && typeof payload.nbf !== 'number') throw invalid('nbf must be a number');
}

/**
 * Every claim check of the instance, on the decoded payload. Run BEFORE any key lookup, so tokens of another
 * issuer or audience, or expired ones, can never make the plugin fetch keys (the JWKS-refetch DoS of
 * lua-resty-openidc #468 and express-jwt #214), and again on every verified-token cache hit, since time passes
 * and instances differ.
 */
function checkClaims(payload: Claims, config: OktaAuthConfig, nowSeconds: number): void {
  checkRegisteredTypes(payload);
  if (payload.iss !== config.issuer) throw invalid('unexpected issuer');
  const audiences = Array.isArray(payload.aud) ? (payload.aud as string[]) : [payload.aud as string];
  if (!audiences.some((aud) => config.audiences.includes(aud))) throw invalid('unexpected audience');
  const leeway = config.leewaySeconds;
  if ((payload.exp as number) + leeway <= nowSeconds) throw invalid('token expired');
  if (payload.nbf !== undefined && (payload.nbf as number) - leeway > nowSeconds) throw invalid('token not valid yet');
  // A token issued in the future is as suspect as an expired one.
  if ((payload.iat as number) - leeway > nowSeconds) throw invalid('token issued in the future');
}

// base64url without padding, canonical: a signature segment with trailing junk or non-zero spare bits decodes to the
// same bytes, and would be another token (another cache entry) with the same signature.
const SIGNATURE = /^[A-Za-z0-9_-]+$/;

/**
 * The RS256 signature check, with node:crypto and the key object parsed once per key set fetch. Not fast-jwt's
 * verifier: it hands node the PEM text on every call, which parses the key again each time and costs as much as
 * the RSA check itself (`npm run bench`, target 3); every claim it would check is checked by checkClaims.
 */
function signatureVerifies(token: string, key: PublicKey): boolean {
  const lastDot = token.lastIndexOf('.');
  const signature = token.slice(lastDot + 1);
  if (!SIGNATURE.test(signature)) return false;
  const bytes = Buffer.from(signature, 'base64url');
  if (bytes.toString('base64url') !== signature) return false;
  return verifyRsa('RSA-SHA256', Buffer.from(token.slice(0, lastDot)), key, bytes);
}

function scopesOf(payload: Claims): string[] {
  if (Array.isArray(payload.scp)) return payload.scp.filter((s): s is string => typeof s === 'string');
  if (typeof payload.scope === 'string') return payload.scope.split(' ').filter(Boolean);
  return [];
}

function clientIdOf(payload: Claims, claims: string[]): string {
  for (const claim of claims) {
    const value = payload[claim];
    if (typeof value === 'string' && value !== '') return value;
  }
  throw invalid('token has no client id claim');
}

/** The signature check of a decoded token whose claims passed, with its key; fills the verified-token cache. */
function verifiedClaims(token: string, digest: string, decoded: { kid: string; payload: Claims }, key: PublicKey | undefined, config: OktaAuthConfig, nowSeconds: number): Claims {
  if (!key) throw invalid('unknown signing key');
  if (!signatureVerifies(token, key)) throw invalid('invalid signature');
  rememberSignature(digest, token.length, { jwksUri: config.jwksUri, kid: decoded.kid, key, claims: decoded.payload }, nowSeconds);
  return decoded.payload;
}

/** The full check of a token, once its claims passed. Waits only when the key set is due a fetch (or lacks the kid). */
function checkedClaims(token: string, digest: string, config: OktaAuthConfig, nowSeconds: number): MaybeAsync<Claims> {
  const decoded = decodeToken(token);
  checkClaims(decoded.payload, config, nowSeconds);
  const keySet = keySetFor(config.jwksUri);
  const fresh = keySet.freshKey(decoded.kid);
  if (fresh) return verifiedClaims(token, digest, decoded, fresh, config, nowSeconds);
  return (async () => {
    const key = (await keySet.get(decoded.kid, config.timeoutMs)) ?? (await keySet.refetchFor(decoded.kid, config.timeoutMs));
    return verifiedClaims(token, digest, decoded, key, config, nowSeconds);
  })();
}

/**
 * The claims of `token` once its signature verified: from the verified-token cache while the key that verified it
 * is still the issuer's current key for its kid, else by the full check (which also fills the cache). Synchronous
 * unless a key set must be fetched: a refusal throws before any promise exists, and a cache hit resolves at once.
 */
function signedClaims(token: string, config: OktaAuthConfig, nowSeconds: number): MaybeAsync<Claims> {
  if (!COMPACT_JWS.test(token)) throw invalid('malformed token');
  const digest = tokenDigest(token);
  const seen = verifiedSignature(digest);
  if (!seen || seen.jwksUri !== config.jwksUri) return checkedClaims(token, digest, config, nowSeconds);
  checkClaims(seen.claims, config, nowSeconds);
  const keySet = keySetFor(config.jwksUri);
  const fresh = keySet.freshKey(seen.kid);
  if (fresh === seen.key) return seen.claims;
  const stillCurrent = (current: PublicKey | undefined): MaybeAsync<Claims> => {
    if (current === seen.key) return seen.claims;
    forgetSignature(digest);
    return checkedClaims(token, digest, config, nowSeconds);
  };
  return fresh ? stillCurrent(fresh) : keySet.get(seen.kid, config.timeoutMs).then(stillCurrent);
}

function verifiedToken(claims: Claims, config: OktaAuthConfig): VerifiedToken {
  const scopes = scopesOf(claims);
  const missing = config.scopesRequired.filter((scope) => !scopes.includes(scope));
  if (missing.length > 0) throw new AuthFailure('insufficient_scope', `missing scope ${missing.join(' ')}`);
  return { clientId: clientIdOf(claims, config.credentialClaims), scopes, expiresAt: claims.exp as number, claims };
}

/**
 * Verifies an Okta access token completely (signature, claims, scopes) or throws an AuthFailure: at once (a
 * refusal is thrown, not a rejected promise) unless a key set must be fetched first.
 */
export function verifyAccessToken(token: string, config: OktaAuthConfig): MaybeAsync<VerifiedToken> {
  const claims = signedClaims(token, config, Math.floor(Date.now() / 1000));
  return claims instanceof Promise ? claims.then((checked) => verifiedToken(checked, config)) : verifiedToken(claims, config);
}
