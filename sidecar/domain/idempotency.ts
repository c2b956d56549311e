import { createHash } from 'node:crypto';
import type { Store } from '../store';
import { Conflict, Unprocessable } from './errors';

/** How long a retry with the same Idempotency-Key gets the first response back. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * How long a first request may hold its key unfinished before a retry may take it over: well past the longest
 * creation (an IdP deadline of at most 120 s for the registration, another for the clean-up delete).
 */
export const IDEMPOTENCY_LEASE_MS = 5 * 60 * 1000;

/**
 * Runs `create` once per (developer, key): a retry within the window gets the first response as `kept` made it
 * (kept encrypted; `replayed` says it is one), the same key with another body 422, a retry while the first is
 * still running 409. A failed first attempt frees the key.
 */
export async function createOnce<T>(
  store: Store,
  developerId: string,
  key: string,
  body: unknown,
  create: () => Promise<T>,
  kept: (result: T) => T,
): Promise<{ result: T; replayed: boolean }> {
  const requestHash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
  const claim = await store.idempotency.claim(developerId, key, requestHash, IDEMPOTENCY_WINDOW_MS, IDEMPOTENCY_LEASE_MS);
  if (claim.state !== 'claimed') {
    if (claim.requestHash !== requestHash) {
      throw new Unprocessable('this Idempotency-Key was used with a different request');
    }
    if (claim.state === 'in_flight') {
      throw new Conflict('a request with this Idempotency-Key is still in progress');
    }
    return { result: claim.response as T, replayed: true };
  }
  let result: T;
  try {
    result = await create();
  } catch (error) {
    await store.idempotency.release(developerId, key);
    throw error;
  }
  await store.idempotency.complete(developerId, key, kept(result));
  return { result, replayed: false };
}
