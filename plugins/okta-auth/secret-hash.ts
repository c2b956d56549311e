import { createHmac, randomBytes } from 'node:crypto';

// Per process: cache keys and log lines can name a secret without being a way to guess it offline.
const hashKey = randomBytes(32);

/** A keyed hash of a client secret: what caches, logs and errors hold instead of the secret. */
export function secretHash(secret: string): string {
  return createHmac('sha256', hashKey).update(secret).digest('base64url');
}
