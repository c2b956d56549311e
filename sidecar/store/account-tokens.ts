import type { StoreContext } from './context';
import type { AccountTokenRow } from './schema';

/** What a mailed link is for. An invitation and a reset both set a password; only a verification does not. */
export type AccountTokenPurpose = 'verify_email' | 'reset_password' | 'invitation';

export interface AccountToken {
  developerId: string;
  purpose: AccountTokenPurpose;
  expiresAt: string;
}

export function accountTokenRepository(ctx: StoreContext) {
  const { db } = ctx;
  return {
    async create(idHash: string, developerId: string, purpose: AccountTokenPurpose, expiresAt: Date): Promise<void> {
      const row: AccountTokenRow = {
        id_hash: idHash,
        developer_id: developerId,
        purpose,
        created_at: ctx.now().toISOString(),
        expires_at: expiresAt.toISOString(),
      };
      await db.insertInto('account_tokens').values(row).execute();
    },
    /** Deletes and returns the token if it is one of `purposes` (single use: two concurrent uses, one wins). */
    async consume(idHash: string, purposes: AccountTokenPurpose[]): Promise<AccountToken | undefined> {
      const row = await db
        .deleteFrom('account_tokens')
        .where('id_hash', '=', idHash)
        .where('purpose', 'in', purposes)
        .returningAll()
        .executeTakeFirst();
      return row && { developerId: row.developer_id, purpose: row.purpose as AccountTokenPurpose, expiresAt: row.expires_at };
    },
    async deleteForDeveloper(developerId: string, purposes: AccountTokenPurpose[]): Promise<void> {
      await db.deleteFrom('account_tokens').where('developer_id', '=', developerId).where('purpose', 'in', purposes).execute();
    },
    async purgeExpired(): Promise<void> {
      await db.deleteFrom('account_tokens').where('expires_at', '<', ctx.now().toISOString()).execute();
    },
  };
}

export type AccountTokenRepository = ReturnType<typeof accountTokenRepository>;
