import type { StoreContext } from './context';
import type { SessionRow } from './schema';

/** The two faces a browser signs in to; a session of one is no session at the other. */
export type SessionFace = 'portal' | 'console';

/** Whose session it is: a developer's (portal) or the admin token's (console). */
export type SessionHolder = { developerId: string; adminId?: never } | { adminId: string; developerId?: never };

export interface Session {
  idHash: string;
  face: SessionFace;
  developerId: string | null;
  /** The admin token's id, for a console session. */
  adminId: string | null;
  /** The synchronizer token of the face's HTML forms (decrypted). */
  csrfToken: string;
  createdAt: string;
  lastSeenAt: string;
}

export type NewSession = SessionHolder & {
  idHash: string;
  face: SessionFace;
  csrfToken: string;
};

export function sessionRepository(ctx: StoreContext) {
  const { db, cipher } = ctx;
  const toSession = (row: SessionRow): Session => ({
    idHash: row.id_hash,
    face: row.face as SessionFace,
    developerId: row.developer_id,
    adminId: row.admin_id,
    csrfToken: cipher.decrypt(row.csrf_token),
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
  });

  return {
    async create(session: NewSession): Promise<Session> {
      const now = ctx.now().toISOString();
      const row: SessionRow = {
        id_hash: session.idHash,
        face: session.face,
        developer_id: session.developerId ?? null,
        admin_id: session.adminId ?? null,
        csrf_token: cipher.encrypt(session.csrfToken),
        created_at: now,
        last_seen_at: now,
      };
      await db.insertInto('sessions').values(row).execute();
      return toSession(row);
    },
    /** The session with this id digest, issued for this face. */
    async find(idHash: string, face: SessionFace): Promise<Session | undefined> {
      const row = await db
        .selectFrom('sessions')
        .selectAll()
        .where('id_hash', '=', idHash)
        .where('face', '=', face)
        .executeTakeFirst();
      return row && toSession(row);
    },
    async touch(idHash: string): Promise<void> {
      await db.updateTable('sessions').set({ last_seen_at: ctx.now().toISOString() }).where('id_hash', '=', idHash).execute();
    },
    async delete(idHash: string): Promise<void> {
      await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    },
    /** Every session of the developer, on every face. */
    async deleteForDeveloper(developerId: string): Promise<void> {
      await db.deleteFrom('sessions').where('developer_id', '=', developerId).execute();
    },
    /** Sessions idle since `idleBefore` or created before `createdBefore`. */
    async purgeExpired(idleBefore: Date, createdBefore: Date): Promise<void> {
      await db
        .deleteFrom('sessions')
        .where((eb) =>
          eb.or([eb('last_seen_at', '<', idleBefore.toISOString()), eb('created_at', '<', createdBefore.toISOString())]),
        )
        .execute();
    },
  };
}

export type SessionRepository = ReturnType<typeof sessionRepository>;
