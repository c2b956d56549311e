import { hash, type KeyObject } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/**
 * Tokens whose RS256 signature already verified, so a token seen again skips only that check. The key is the
 * SHA-256 of the WHOLE compact token (header, payload and signature bytes): a token differing in any byte, its
 * signature included, is a different entry. What is cached is a fact about the token (these claims were signed by
 * this key of this key set), never a decision: every claim and per-instance check runs again on each hit, and the
 * hit counts only while the key set still holds that very key.
 */
export interface VerifiedSignature {
  jwksUri: string;
  kid: string;
  /** The key that verified the signature; a hit counts only while the key set holds this very key for `kid`. */
  key: KeyObject;
  claims: Record<string, unknown>;
}

/** Bounds of the whole plugin server (the cache is module level, shared by every instance). */
export const MAX_VERIFIED_TOKENS = 4096;
export const MAX_VERIFIED_BYTES = 8 * 1024 * 1024;
/** Longest leeway a config may set: past exp + this, no instance can accept the token any more. */
const MAX_LEEWAY_SECONDS = 600;
const ENTRY_OVERHEAD_BYTES = 256;

const verified = new LRUCache<string, VerifiedSignature>({
  max: MAX_VERIFIED_TOKENS,
  maxSize: MAX_VERIFIED_BYTES,
});

/** SHA-256 of the token, one shot: no Hash object per request (every Bearer request takes this path). */
export function tokenDigest(token: string): string {
  return hash('sha256', token, 'base64');
}

export function verifiedSignature(digest: string): VerifiedSignature | undefined {
  return verified.get(digest);
}

export function rememberSignature(digest: string, tokenLength: number, entry: VerifiedSignature, nowSeconds: number): void {
  const exp = entry.claims.exp as number;
  const ttlMs = (exp + MAX_LEEWAY_SECONDS - nowSeconds) * 1000;
  if (!(ttlMs > 0)) return;
  // The parsed claims take about twice the bytes of their JSON, which is 3/4 of the token's characters at most.
  verified.set(digest, entry, { ttl: Math.min(ttlMs, 24 * 3_600_000), size: ENTRY_OVERHEAD_BYTES + 2 * tokenLength });
}

export function forgetSignature(digest: string): void {
  verified.delete(digest);
}

/** Drops the tokens signed by keys that left (or changed in) a refreshed key set. */
export function forgetKeys(jwksUri: string, gone: (kid: string, key: KeyObject) => boolean): void {
  for (const [digest, entry] of verified.entries()) {
    if (entry.jwksUri === jwksUri && gone(entry.kid, entry.key)) verified.delete(digest);
  }
}

/** Entries and accounted bytes, with their bounds, for the memory benchmark. */
export function verifiedTokenStats(): { entries: number; bytes: number; maxEntries: number; maxBytes: number } {
  return { entries: verified.size, bytes: verified.calculatedSize, maxEntries: MAX_VERIFIED_TOKENS, maxBytes: MAX_VERIFIED_BYTES };
}
