import { randomUUID } from 'node:crypto';
import { type StoreContext, paginate } from './context';
import { constrained } from './errors';
import type { Developer, PageOf, PageRequest } from './records';
import type { DeveloperRow } from './schema';

export interface NewDeveloper {
  email: string;
  full_name: string;
  token_hash: string;
}

export function developerRepository(ctx: StoreContext) {
  const { db } = ctx;
  const toRecord = ({ token_hash: _hash, ...developer }: DeveloperRow): Developer => developer;
  const findBy = async (column: 'id' | 'token_hash', value: string) => {
    const row = await db.selectFrom('developers').selectAll().where(column, '=', value).executeTakeFirst();
    return row && toRecord(row);
  };

  return {
    get: (id: string) => findBy('id', id),
    getByTokenHash: (tokenHash: string) => findBy('token_hash', tokenHash),
    async create(input: NewDeveloper): Promise<Developer> {
      const now = ctx.now().toISOString();
      const row: DeveloperRow = { id: randomUUID(), ...input, created_at: now, updated_at: now };
      await constrained(ctx.dialect, () => db.insertInto('developers').values(row).execute());
      return toRecord(row);
    },
    /** One page, optionally only the developer with this email (case-insensitive). */
    list(page: PageRequest, filter: { email?: string } = {}): Promise<PageOf<Developer>> {
      const base = db.selectFrom('developers');
      const { email } = filter;
      const filtered =
        email === undefined ? base : base.where((eb) => eb(eb.fn('lower', ['email']), '=', eb.fn('lower', [eb.val(email)])));
      return paginate(filtered, page, toRecord);
    },
    /** Replaces the developer's token: the old one stops working at once. */
    async replaceTokenHash(id: string, tokenHash: string): Promise<boolean> {
      const result = await db
        .updateTable('developers')
        .set({ token_hash: tokenHash, updated_at: ctx.now().toISOString() })
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    async delete(id: string): Promise<boolean> {
      const result = await constrained(ctx.dialect, () =>
        db.deleteFrom('developers').where('id', '=', id).executeTakeFirst(),
      );
      return result.numDeletedRows > 0n;
    },
  };
}

export type DeveloperRepository = ReturnType<typeof developerRepository>;
