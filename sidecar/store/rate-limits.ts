import { randomUUID } from 'node:crypto';
import { hashToken } from '../crypto/tokens';
import type { Kysely } from 'kysely';
import type { StoreContext } from './context';
import type { Database } from './schema';

/** What a limit counts: failed sign-ins per email or per address (portal and console), mails asked for per address. */
export type RateLimitBucket = 'sign_in_email' | 'sign_in_address' | 'console_sign_in_address' | 'mail_address';

/** The events of one subject inside a window: how many, and when the oldest and newest were. */
export interface EventWindow {
  count: number;
  oldest: Date | undefined;
  newest: Date | undefined;
}

/** One event to count: what for, and whose. */
export interface RateLimitEvent {
  bucket: RateLimitBucket;
  subject: string;
}

/** The window of one subject's events since a moment, inside an admission. */
export type WindowOf = (bucket: RateLimitBucket, subject: string, since: Date) => Promise<EventWindow>;

/**
 * Counters in the database, so that every replica sees the same ones. The subject (an email, an address) is
 * stored as a digest: the table says how often, not who.
 */
export function rateLimitRepository(ctx: StoreContext) {
  const { db } = ctx;
  const subjectHash = (subject: string) => hashToken(subject.toLowerCase());
  const windowIn = (trx: Kysely<Database>): WindowOf => async (bucket, subject, since) => {
    const row = await trx
      .selectFrom('rate_limit_events')
      .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.min('created_at').as('oldest'), eb.fn.max('created_at').as('newest')])
      .where('bucket', '=', bucket)
      .where('subject_hash', '=', subjectHash(subject))
      .where('created_at', '>=', since.toISOString())
      .executeTakeFirstOrThrow();
    const date = (value: unknown) => (typeof value === 'string' ? new Date(value) : undefined);
    return { count: Number(row.count), oldest: date(row.oldest), newest: date(row.newest) };
  };
  return {
    /**
     * Records `events` (returning their ids, in order) once `check` has seen their windows without throwing; what
     * it throws refuses them. One transaction holding a lock per subject, so that concurrent admissions of one
     * subject, on any replica, each see the others' events: a limit holds exactly under a burst.
     */
    async admit(events: RateLimitEvent[], check: (window: WindowOf) => Promise<void>): Promise<string[]> {
      return db.transaction().execute(async (trx) => {
        // In one order everywhere, so that two admissions never wait for each other's second lock.
        const keys = [...new Set(events.map((event) => `rate_limit:${event.bucket}:${subjectHash(event.subject)}`))].sort();
        for (const key of keys) await ctx.dialect.lockName?.(trx, key);
        await check(windowIn(trx));
        const now = ctx.now().toISOString();
        const rows = events.map((event) => ({ id: randomUUID(), bucket: event.bucket, subject_hash: subjectHash(event.subject), created_at: now }));
        await trx.insertInto('rate_limit_events').values(rows).execute();
        return rows.map((row) => row.id);
      });
    },
    async remove(id: string): Promise<void> {
      await db.deleteFrom('rate_limit_events').where('id', '=', id).execute();
    },
    async clear(bucket: RateLimitBucket, subject: string): Promise<void> {
      await db
        .deleteFrom('rate_limit_events')
        .where('bucket', '=', bucket)
        .where('subject_hash', '=', subjectHash(subject))
        .execute();
    },
    async purgeBefore(before: Date): Promise<void> {
      await db.deleteFrom('rate_limit_events').where('created_at', '<', before.toISOString()).execute();
    },
  };
}

export type RateLimitRepository = ReturnType<typeof rateLimitRepository>;
