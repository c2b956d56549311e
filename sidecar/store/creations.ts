import { randomUUID } from 'node:crypto';
import type { StoreContext } from './context';

/** A log of application creations per developer, kept even after deletion, for the per-developer limit. */
export function creationRepository(ctx: StoreContext) {
  const { db } = ctx;
  return {
    async record(developerId: string): Promise<void> {
      await db
        .insertInto('application_creations')
        .values({ id: randomUUID(), developer_id: developerId, created_at: ctx.now().toISOString() })
        .execute();
    },
    async countSince(developerId: string, since: Date): Promise<number> {
      const { total } = await db
        .selectFrom('application_creations')
        .select((eb) => eb.fn.countAll<number>().as('total'))
        .where('developer_id', '=', developerId)
        .where('created_at', '>', since.toISOString())
        .executeTakeFirstOrThrow();
      return Number(total);
    },
    async purgeBefore(before: Date): Promise<void> {
      await db.deleteFrom('application_creations').where('created_at', '<=', before.toISOString()).execute();
    },
  };
}

export type CreationRepository = ReturnType<typeof creationRepository>;
