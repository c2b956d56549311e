import { randomUUID } from 'node:crypto';
import { hashToken } from '../crypto/tokens';
import type { StoreContext } from './context';

/** What a limit counts: failed sign-ins per email or per address, mails asked for per address. */
export type RateLimitBucket = 'sign_in_email' | 'sign_in_address' | 'mail_address';

/** The events of one subject inside a window: how many, and when the oldest and newest were. */
export interface EventWindow {
  count: number;
  oldest: Date | undefined;
  newest: Date | undefined;
}

/**
 * Counters in the database, so that every replica sees the same ones. The subject (an email, an address) is
 * stored as a digest: the table says how often, not who.
 */
export function rateLimitRepository(ctx: StoreContext) {
  const { db } = ctx;
  const subjectHash = (subject: string) => hashToken(subject.toLowerCase());
  return {
    /** Records one event now; its id lets the caller take it back. */
    async record(bucket: RateLimitBucket, subject: string): Promise<string> {
      const id = randomUUID();
      await db
        .insertInto('rate_limit_events')
        .values({ id, bucket, subject_hash: subjectHash(subject), created_at: ctx.now().toISOString() })
        .execute();
      return id;
    },
    async window(bucket: RateLimitBucket, subject: string, since: Date): Promise<EventWindow> {
      const row = await db
        .selectFrom('rate_limit_events')
        .select((eb) => [
          eb.fn.countAll<number>().as('count'),
          eb.fn.min('created_at').as('oldest'),
          eb.fn.max('created_at').as('newest'),
        ])
        .where('bucket', '=', bucket)
        .where('subject_hash', '=', subjectHash(subject))
        .where('created_at', '>=', since.toISOString())
        .executeTakeFirstOrThrow();
      const date = (value: unknown) => (typeof value === 'string' ? new Date(value) : undefined);
      return { count: Number(row.count), oldest: date(row.oldest), newest: date(row.newest) };
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
