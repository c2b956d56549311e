import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { OktaAuthConfig } from './config';
import { AuthFailure } from './errors';
import { keySetFor } from './jwks';

/** What the gateway needs to know of a verified access token. */
export interface VerifiedToken {
  clientId: string;
  scopes: string[];
  /** Expiry, epoch seconds. */
  expiresAt: number;
}

// A token that brings its own key (or a pointer to one) asks to be trusted on its own word.
const SELF_KEYED_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'] as const;

function invalid(description: string): AuthFailure {
  return new AuthFailure('invalid_token', description);
}

function decode(token: string): { kid: string; payload: JWTPayload } {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let payload: JWTPayload;
  try {
    header = decodeProtectedHeader(token);
    payload = decodeJwt(token);
  } catch {
    throw invalid('malformed token');
  }
  if (header.alg !== 'RS256') throw invalid('unsupported token algorithm');
  if (SELF_KEYED_HEADERS.some((name) => name in header)) throw invalid('token must not carry its own key');
  if (typeof header.kid !== 'string' || header.kid === '') throw invalid('token has no key id');
  return { kid: header.kid, payload };
}

/**
 * The claims a token of another issuer or audience, or an expired one, fails on. Checked BEFORE any key lookup, so
 * such tokens can never make the plugin fetch keys (the JWKS-refetch DoS of lua-resty-openidc #468 and
 * express-jwt #214). jwtVerify checks them again on the verified payload.
 */
function precheckClaims(payload: JWTPayload, config: OktaAuthConfig, nowSeconds: number): void {
  if (payload.iss !== config.issuer) throw invalid('unexpected issuer');
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!audiences.some((aud) => typeof aud === 'string' && config.audiences.includes(aud))) {
    throw invalid('unexpected audience');
  }
  if (typeof payload.exp !== 'number' || payload.exp + config.leewaySeconds <= nowSeconds) {
    throw invalid('token expired');
  }
}

function scopesOf(payload: JWTPayload): string[] {
  if (Array.isArray(payload.scp)) return payload.scp.filter((s): s is string => typeof s === 'string');
  if (typeof payload.scope === 'string') return payload.scope.split(' ').filter(Boolean);
  return [];
}

function clientIdOf(payload: JWTPayload, claims: string[]): string {
  for (const claim of claims) {
    const value = payload[claim];
    if (typeof value === 'string' && value !== '') return value;
  }
  throw invalid('token has no client id claim');
}

function describeJoseError(err: unknown): AuthFailure {
  if (err instanceof joseErrors.JWTExpired) return invalid('token expired');
  if (err instanceof joseErrors.JWTClaimValidationFailed) return invalid(`invalid ${err.claim} claim`);
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return invalid('invalid signature');
  if (err instanceof joseErrors.JOSEError) return invalid('invalid token');
  throw err;
}

/** Verifies an Okta access token completely (signature, claims, scopes) or throws an AuthFailure. */
export async function verifyAccessToken(token: string, config: OktaAuthConfig): Promise<VerifiedToken> {
  const nowSeconds = Math.floor(Date.now() / 1000);
  const { kid, payload } = decode(token);
  precheckClaims(payload, config, nowSeconds);

  const keySet = keySetFor(config.jwksUri);
  const key =
    (await keySet.get(kid, config.timeoutMs)) ?? (await keySet.refetchFor(kid, config.timeoutMs));
  if (!key) throw invalid('unknown signing key');

  let verified: JWTPayload;
  try {
    ({ payload: verified } = await jwtVerify(token, key, {
      algorithms: ['RS256'],
      issuer: config.issuer,
      audience: config.audiences,
      clockTolerance: config.leewaySeconds,
      requiredClaims: ['exp', 'iat'],
    }));
  } catch (err) {
    throw describeJoseError(err);
  }
  // jose checks iat only against a maximum age; a token issued in the future is as suspect as an expired one.
  if ((verified.iat as number) > nowSeconds + config.leewaySeconds) throw invalid('token issued in the future');

  const scopes = scopesOf(verified);
  const missing = config.scopesRequired.filter((scope) => !scopes.includes(scope));
  if (missing.length > 0) throw new AuthFailure('insufficient_scope', `missing scope ${missing.join(' ')}`);
  return { clientId: clientIdOf(verified, config.credentialClaims), scopes, expiresAt: verified.exp as number };
}
