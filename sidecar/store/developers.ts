import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { type StoreContext, paginate } from './context';
import { constrained } from './errors';
import type { Developer, DeveloperStatus, PageOf, PageRequest } from './records';
import type { DeveloperRow } from './schema';

export interface NewDeveloper {
  email: string;
  full_name: string;
  token_hash: string;
  /** Default: now (the token is handed over with the creation, as the admin API does). */
  token_created_at?: string | null;
  /** Default: approved (an admin's creation). */
  status?: DeveloperStatus;
  password_hash?: string | null;
  email_verified_at?: string | null;
}

export function developerRepository(ctx: StoreContext) {
  const { db } = ctx;
  const toRecord = ({ token_hash: _hash, password_hash: _password, ...developer }: DeveloperRow): Developer => ({
    ...developer,
    status: developer.status as DeveloperStatus,
  });
  const findBy = async (column: 'id' | 'token_hash', value: string) => {
    const row = await db.selectFrom('developers').selectAll().where(column, '=', value).executeTakeFirst();
    return row && toRecord(row);
  };
  const update = async (id: string, values: Partial<DeveloperRow>, onlyIf?: { status: DeveloperStatus }) => {
    let query = db
      .updateTable('developers')
      .set({ ...values, updated_at: ctx.now().toISOString() })
      .where('id', '=', id);
    if (onlyIf) query = query.where('status', '=', onlyIf.status);
    return (await query.executeTakeFirst()).numUpdatedRows > 0n;
  };

  return {
    get: (id: string) => findBy('id', id),
    getByTokenHash: (tokenHash: string) => findBy('token_hash', tokenHash),
    /** By email, whatever its case, with the password hash (sign-in only). */
    async findWithPasswordByEmail(email: string): Promise<{ developer: Developer; passwordHash: string | null } | undefined> {
      const row = await db
        .selectFrom('developers')
        .selectAll()
        .where(sql<string>`lower(email)`, '=', email.toLowerCase())
        .executeTakeFirst();
      return row && { developer: toRecord(row), passwordHash: row.password_hash };
    },
    async passwordHash(id: string): Promise<string | null | undefined> {
      const row = await db.selectFrom('developers').select('password_hash').where('id', '=', id).executeTakeFirst();
      return row?.password_hash;
    },
    async create(input: NewDeveloper): Promise<Developer> {
      const now = ctx.now().toISOString();
      const row: DeveloperRow = {
        id: randomUUID(),
        password_hash: null,
        email_verified_at: null,
        token_created_at: now,
        status: 'approved',
        ...input,
        created_at: now,
        updated_at: now,
      };
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
    replaceTokenHash: (id: string, tokenHash: string, createdAt: string | null = ctx.now().toISOString()) =>
      update(id, { token_hash: tokenHash, token_created_at: createdAt }),
    setPasswordHash: (id: string, passwordHash: string) => update(id, { password_hash: passwordHash }),
    markEmailVerified: (id: string) => update(id, { email_verified_at: ctx.now().toISOString() }),
    /** Moves the status only from `from` (a concurrent change wins, this one reports false). */
    changeStatus: (id: string, from: DeveloperStatus, to: DeveloperStatus) => update(id, { status: to }, { status: from }),
    async delete(id: string): Promise<boolean> {
      const result = await constrained(ctx.dialect, () =>
        db.deleteFrom('developers').where('id', '=', id).executeTakeFirst(),
      );
      return result.numDeletedRows > 0n;
    },
  };
}

export type DeveloperRepository = ReturnType<typeof developerRepository>;
