import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new bearer token: 256 random bits with a prefix that says what it is (helps secret scanners). */
export function generateToken(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/**
 * The stored form of a token. The tokens are 256 random bits, so an unkeyed SHA-256 cannot be brute-forced,
 * and unlike an HMAC keyed from the encryption key it survives a key rotation.
 */
export function hashToken(token: string): string {
  return tokenDigest(token).toString('hex');
}

/** The SHA-256 of a token: `hashToken` in bytes, and what `secretMatcher` compares. */
export function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Constant-time comparison of a presented secret with the expected one (digests first: equal lengths). */
export function secretsEqual(presented: string, expected: string): boolean {
  return timingSafeEqual(tokenDigest(presented), tokenDigest(expected));
}

/**
 * Constant-time comparison of presented secrets with `expected`, by digest (equal lengths): the expected digest is
 * taken once, the presented one by the caller once per request, however many secrets it is compared with.
 */
export function secretMatcher(expected: string): (presentedDigest: Buffer) => boolean {
  const expectedDigest = tokenDigest(expected);
  return (presentedDigest) => timingSafeEqual(presentedDigest, expectedDigest);
}
