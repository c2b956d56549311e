import { verify as verifyRsa } from 'node:crypto';
import { createDecoder } from 'fast-jwt';
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

// fast-jwt's decoder rather than jose: synchronous, and the one plugin-server process decodes for every Kong worker.
const decode = createDecoder({ complete: true }) as (token: string) => {
  header: Header;
  payload: Claims;
};

// A token that brings its own key (or a pointer to one) asks to be trusted on its own word.
const SELF_KEYED_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'] as const;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function invalid(description: string): AuthFailure {
  return new AuthFailure('invalid_token', description);
}

// Three base64url segments (the signature may be empty, as in alg none): anything else is refused before the
// decoder, whose errors carry stack traces that cost more than the whole refusal.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

function decodeToken(token: string): { kid: string; payload: Claims } {
  if (!COMPACT_JWS.test(token)) throw invalid('malformed token');
  let header: Header;
  let payload: Claims;
  try {
    ({ header, payload } = decode(token));
  } catch {
    throw invalid('malformed token');
  }
  if (!isObject(header) || !isObject(payload)) throw invalid('malformed token');
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

/**
 * The claims of `token` once its signature verified: from the verified-token cache while the key that verified it
 * is still the issuer's current key for its kid, else by the full check (which also fills the cache).
 */
async function signedClaims(token: string, config: OktaAuthConfig, nowSeconds: number): Promise<Claims> {
  const keySet = keySetFor(config.jwksUri);
  const digest = tokenDigest(token);
  const seen = verifiedSignature(digest);
  if (seen && seen.jwksUri === config.jwksUri) {
    checkClaims(seen.claims, config, nowSeconds);
    const current = keySet.freshKey(seen.kid) ?? (await keySet.get(seen.kid, config.timeoutMs));
    if (current === seen.key) return seen.claims;
    forgetSignature(digest);
  }

  const { kid, payload } = decodeToken(token);
  checkClaims(payload, config, nowSeconds);
  const key = (await keySet.get(kid, config.timeoutMs)) ?? (await keySet.refetchFor(kid, config.timeoutMs));
  if (!key) throw invalid('unknown signing key');
  if (!signatureVerifies(token, key)) throw invalid('invalid signature');
  rememberSignature(digest, token.length, { jwksUri: config.jwksUri, kid, key, claims: payload }, nowSeconds);
  return payload;
}

/** Verifies an Okta access token completely (signature, claims, scopes) or throws an AuthFailure. */
export async function verifyAccessToken(token: string, config: OktaAuthConfig): Promise<VerifiedToken> {
  const claims = await signedClaims(token, config, Math.floor(Date.now() / 1000));
  const scopes = scopesOf(claims);
  const missing = config.scopesRequired.filter((scope) => !scopes.includes(scope));
  if (missing.length > 0) throw new AuthFailure('insufficient_scope', `missing scope ${missing.join(' ')}`);
  return { clientId: clientIdOf(claims, config.credentialClaims), scopes, expiresAt: claims.exp as number, claims };
}
