import type { StoreContext } from './context';
import { StoreConstraintError, constrained } from './errors';

/** Where a request with an Idempotency-Key stands. */
export type IdempotencyClaim =
  /** `token` fences the claim: only its holder completes or releases it (not a slow request after a takeover). */
  | { state: 'claimed'; token: string }
  | { state: 'in_flight'; requestHash: string }
  | { state: 'completed'; requestHash: string; response: unknown };

export function idempotencyRepository(ctx: StoreContext) {
  const { db, cipher } = ctx;
  const where = (developerId: string, key: string) =>
    db.selectFrom('idempotency_keys').selectAll().where('developer_id', '=', developerId).where('key', '=', key);

  const purgeExpired = async (): Promise<number> => {
    const result = await db
      .deleteFrom('idempotency_keys')
      .where('expires_at', '<=', ctx.now().toISOString())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  };

  return {
    purgeExpired,
    /**
     * Claims the key for this request, or reports the earlier request that holds it. Expired keys are purged, and so
     * is an unfinished claim older than `leaseMs`: its request stopped mid-way and must not block the key for the
     * whole window.
     */
    async claim(developerId: string, key: string, requestHash: string, ttlMs: number, leaseMs: number): Promise<IdempotencyClaim> {
      await purgeExpired();
      const now = ctx.now();
      await db
        .deleteFrom('idempotency_keys')
        .where('developer_id', '=', developerId)
        .where('key', '=', key)
        .where('response', 'is', null)
        .where('created_at', '<=', new Date(now.getTime() - leaseMs).toISOString())
        .execute();
      try {
        await constrained(ctx.dialect, () =>
          db
            .insertInto('idempotency_keys')
            .values({
              developer_id: developerId,
              key,
              request_hash: requestHash,
              response: null,
              created_at: now.toISOString(),
              expires_at: new Date(now.getTime() + ttlMs).toISOString(),
            })
            .execute(),
        );
        return { state: 'claimed', token: now.toISOString() };
      } catch (error) {
        if (!(error instanceof StoreConstraintError)) throw error;
      }
      const held = await where(developerId, key).executeTakeFirst();
      // Released by its failed request between our insert and this read: still busy a moment ago, so retry later.
      if (!held) return { state: 'in_flight', requestHash };
      if (held.response === null) return { state: 'in_flight', requestHash: held.request_hash };
      return { state: 'completed', requestHash: held.request_hash, response: JSON.parse(cipher.decrypt(held.response)) };
    },
    /**
     * Keeps the first response (encrypted: it holds a client secret) for the rest of the window. False when the
     * claim is no longer this request's (a retry took it over after its lease): nothing is kept.
     */
    async complete(developerId: string, key: string, token: string, response: unknown): Promise<boolean> {
      const result = await db
        .updateTable('idempotency_keys')
        .set({ response: cipher.encrypt(JSON.stringify(response)) })
        .where('developer_id', '=', developerId)
        .where('key', '=', key)
        .where('created_at', '=', token)
        .where('response', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    /** The first request failed: a retry with the same key may try again (unless one took the claim over already). */
    async release(developerId: string, key: string, token: string): Promise<void> {
      await db
        .deleteFrom('idempotency_keys')
        .where('developer_id', '=', developerId)
        .where('key', '=', key)
        .where('created_at', '=', token)
        .where('response', 'is', null)
        .execute();
    },
  };
}

export type IdempotencyRepository = ReturnType<typeof idempotencyRepository>;
