import type { StoreContext } from './context';
import type { SessionFace } from './sessions';

/** A browser that has not signed in: the CSRF token its anonymous forms must carry (decrypted). */
export interface PreSession {
  face: SessionFace;
  csrfToken: string;
  createdAt: string;
}

export function preSessionRepository(ctx: StoreContext) {
  const { db, cipher } = ctx;
  return {
    async create(idHash: string, face: SessionFace, csrfToken: string): Promise<void> {
      const row = { id_hash: idHash, face, csrf_token: cipher.encrypt(csrfToken), created_at: ctx.now().toISOString() };
      await db.insertInto('pre_sessions').values(row).execute();
    },
    /** The pre-session with this id digest, issued for this face. */
    async find(idHash: string, face: SessionFace): Promise<PreSession | undefined> {
      const row = await db.selectFrom('pre_sessions').selectAll().where('id_hash', '=', idHash).where('face', '=', face).executeTakeFirst();
      return row && { face: row.face as SessionFace, csrfToken: cipher.decrypt(row.csrf_token), createdAt: row.created_at };
    },
    async purgeCreatedBefore(before: Date): Promise<void> {
      await db.deleteFrom('pre_sessions').where('created_at', '<', before.toISOString()).execute();
    },
  };
}

export type PreSessionRepository = ReturnType<typeof preSessionRepository>;
