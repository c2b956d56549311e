import { createHash } from 'node:crypto';
import type { Repositories, Store } from '../store';
import { Conflict, Unprocessable } from './errors';

/** How long a retry with the same Idempotency-Key gets the first response back. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * Keeps the response with the key, in the transaction that writes what the request created: the two commit
 * together, so a replica that dies between them leaves neither (a retry after the lease creates it once).
 */
export type KeepResponse<T> = (tx: Repositories, result: T) => Promise<void>;

/**
 * Runs `create` once per (developer, key): a retry within the window gets the first response as `kept` made it
 * (kept encrypted; `replayed` says it is one), the same key with another body 422, a retry while the first is
 * still running 409. A failed first attempt frees the key. A claim unfinished after `leaseMs` (longer than any
 * creation: its replica died) may be taken over by a retry; the first request, should it still finish, then
 * fails to keep its response and rolls back.
 */
export async function createOnce<T>(
  store: Store,
  developerId: string,
  key: string,
  body: unknown,
  leaseMs: number,
  create: (keep: KeepResponse<T>) => Promise<T>,
  kept: (result: T) => T,
): Promise<{ result: T; replayed: boolean }> {
  const requestHash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
  const claim = await store.idempotency.claim(developerId, key, requestHash, IDEMPOTENCY_WINDOW_MS, leaseMs);
  if (claim.state !== 'claimed') {
    if (claim.requestHash !== requestHash) {
      throw new Unprocessable('this Idempotency-Key was used with a different request');
    }
    if (claim.state === 'in_flight') {
      throw new Conflict('a request with this Idempotency-Key is still in progress');
    }
    return { result: claim.response as T, replayed: true };
  }
  const { token } = claim;
  const keep: KeepResponse<T> = async (tx, result) => {
    if (!(await tx.idempotency.complete(developerId, key, token, kept(result)))) {
      throw new Conflict('a retry with this Idempotency-Key took it over after this request ran past its lease');
    }
  };
  let result: T;
  try {
    result = await create(keep);
  } catch (error) {
    await store.idempotency.release(developerId, key, token);
    throw error;
  }
  return { result, replayed: false };
}
