import { generateToken, hashToken } from '../crypto/tokens';
import type { Repositories, Store } from '../store';
import type { Actor } from '../store/audit';
import type { Developer } from '../store/records';
import type { ApplicationDeletion } from './application-deletion';
import { DEVELOPER_TOKEN_PREFIX as TOKEN_PREFIX } from './accounts/api-token';
import { developerEvent as about } from './audit';
import { Conflict, NotFound, orConflict } from './errors';
import { listPage } from './shapes/common';
import type { DeveloperDeletionPending, DeveloperInput, DeveloperListQuery } from './shapes/developers';

/** `invite` mails an admin-created developer the link to choose a password. */
export function developerService(store: Store, deletion: ApplicationDeletion, invite: (developer: Developer) => Promise<void>) {
  const get = async (id: string) => {
    const developer = await store.developers.get(id);
    if (!developer) throw new NotFound('developer', id);
    return developer;
  };
  const deleteRow = async (developer: Developer, actor: Actor) => {
    const deleted = await orConflict(
      () =>
        store.transaction(async (tx) => {
          const gone = await tx.developers.delete(developer.id);
          if (gone) await tx.audit.record(actor, { ...about(developer.id), action: 'developer.deleted', before: developer });
          return gone;
        }),
      { foreign_key: `developer ${developer.id} still has applications: delete them first, or pass delete_applications=true` },
    );
    if (!deleted) throw new NotFound('developer', developer.id);
  };
  /** Replaces the token's digest and writes down that the previous token stopped working (never either token). */
  const replaceToken = async (tx: Repositories, developer: Developer, actor: Actor, action: string, tokenHash: string) => {
    await tx.developers.replaceTokenHash(developer.id, tokenHash);
    await tx.audit.record(actor, { ...about(developer.id), action, before: developer, after: await tx.developers.get(developer.id) });
  };

  return {
    get,
    list: (query: DeveloperListQuery) =>
      listPage(query, (page) => store.developers.list(page, { email: query['filter[email]'] }), (d) => d),
    /** The token is returned this once; only its digest is kept. One developer per email, whatever its case. */
    async create(input: DeveloperInput, actor: Actor): Promise<Developer & { token: string }> {
      const taken = { unique: `a developer with email ${input.email} already exists` };
      // The column is unique as written; another case of the same address is caught here (filter[email] finds one).
      if ((await store.developers.list({ number: 1, size: 1 }, { email: input.email })).total > 0) throw new Conflict(taken.unique);
      const token = generateToken(TOKEN_PREFIX);
      const developer = await orConflict(
        () =>
          store.transaction(async (tx) => {
            const created = await tx.developers.create({ ...input, token_hash: hashToken(token) });
            await tx.audit.record(actor, { ...about(created.id), action: 'developer.created', after: created });
            return created;
          }),
        taken,
      );
      await invite(developer);
      return { ...developer, token };
    },
    /** A new token; the previous one stops working at once. */
    async issueToken(id: string, actor: Actor): Promise<Developer & { token: string }> {
      const developer = await get(id);
      const token = generateToken(TOKEN_PREFIX);
      await store.transaction((tx) => replaceToken(tx, developer, actor, 'developer.token_issued', hashToken(token)));
      return { ...developer, token };
    },
    /**
     * Deletes a developer without applications; with `deleteApplications`, their applications first (IdP clients
     * included) and their token stops working at once. Returns what is left when an IdP could not delete a client
     * yet: those are retried in the background and the developer stays until they are gone.
     */
    async delete(id: string, deleteApplications: boolean, actor: Actor): Promise<DeveloperDeletionPending | undefined> {
      const developer = await get(id);
      if (deleteApplications) {
        // A token nobody holds: the developer can no longer create applications while theirs are deleted.
        await store.transaction((tx) => replaceToken(tx, developer, actor, 'developer.token_revoked', hashToken(generateToken(TOKEN_PREFIX))));
        const pending: string[] = [];
        for (const application of await store.applications.listAllOfDeveloper(id)) {
          if (await deletion.delete(application, actor)) pending.push(application.id);
        }
        if (pending.length > 0) return { developer_id: id, applications_pending_deletion: pending };
      }
      await deleteRow(developer, actor);
      return undefined;
    },
  };
}

export type DeveloperService = ReturnType<typeof developerService>;
