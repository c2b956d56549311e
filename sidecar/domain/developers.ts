import { generateToken, hashToken } from '../crypto/tokens';
import type { Store } from '../store';
import type { Developer } from '../store/records';
import type { ApplicationDeletion } from './application-deletion';
import { DEVELOPER_TOKEN_PREFIX as TOKEN_PREFIX } from './accounts/api-token';
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
  const deleteRow = async (id: string) => {
    const deleted = await orConflict(() => store.developers.delete(id), {
      foreign_key: `developer ${id} still has applications: delete them first, or pass delete_applications=true`,
    });
    if (!deleted) throw new NotFound('developer', id);
  };

  return {
    get,
    list: (query: DeveloperListQuery) =>
      listPage(query, (page) => store.developers.list(page, { email: query['filter[email]'] }), (d) => d),
    /** The token is returned this once; only its digest is kept. One developer per email, whatever its case. */
    async create(input: DeveloperInput): Promise<Developer & { token: string }> {
      const taken = { unique: `a developer with email ${input.email} already exists` };
      // The column is unique as written; another case of the same address is caught here (filter[email] finds one).
      if ((await store.developers.list({ number: 1, size: 1 }, { email: input.email })).total > 0) throw new Conflict(taken.unique);
      const token = generateToken(TOKEN_PREFIX);
      const developer = await orConflict(() => store.developers.create({ ...input, token_hash: hashToken(token) }), taken);
      await invite(developer);
      return { ...developer, token };
    },
    /** A new token; the previous one stops working at once. */
    async issueToken(id: string): Promise<Developer & { token: string }> {
      const developer = await get(id);
      const token = generateToken(TOKEN_PREFIX);
      await store.developers.replaceTokenHash(id, hashToken(token));
      return { ...developer, token };
    },
    /**
     * Deletes a developer without applications; with `deleteApplications`, their applications first (IdP clients
     * included) and their token stops working at once. Returns what is left when an IdP could not delete a client
     * yet: those are retried in the background and the developer stays until they are gone.
     */
    async delete(id: string, deleteApplications: boolean): Promise<DeveloperDeletionPending | undefined> {
      await get(id);
      if (deleteApplications) {
        // A token nobody holds: the developer can no longer create applications while theirs are deleted.
        await store.developers.replaceTokenHash(id, hashToken(generateToken(TOKEN_PREFIX)));
        const pending: string[] = [];
        for (const application of await store.applications.listAllOfDeveloper(id)) {
          if (await deletion.delete(application)) pending.push(application.id);
        }
        if (pending.length > 0) return { developer_id: id, applications_pending_deletion: pending };
      }
      await deleteRow(id);
      return undefined;
    },
  };
}

export type DeveloperService = ReturnType<typeof developerService>;
