import { generateToken, hashToken } from '../crypto/tokens';
import type { Store } from '../store';
import { StoreConstraintError } from '../store/errors';
import type { Developer, PageRequest } from '../store/records';
import { DEVELOPER_TOKEN_PREFIX as TOKEN_PREFIX } from './accounts/api-token';
import { normalizeEmail } from './accounts/sign-up';
import { conflict, notFound } from './errors';

export interface DeveloperInput {
  email: string;
  full_name: string;
}

/** `invite` mails an admin-created developer the link to choose a password. */
export function developerService(store: Store, invite: (developer: Developer) => Promise<void>) {
  const get = async (id: string) => {
    const developer = await store.developers.get(id);
    if (!developer) throw notFound('developer', id);
    return developer;
  };

  return {
    get,
    list: (page: PageRequest) => store.developers.list(page),
    /** The token is returned this once; only its digest is kept. */
    async create(input: DeveloperInput): Promise<Developer & { token: string }> {
      const token = generateToken(TOKEN_PREFIX);
      try {
        const developer = await store.developers.create({ ...input, email: normalizeEmail(input.email), token_hash: hashToken(token) });
        await invite(developer);
        return { ...developer, token };
      } catch (error) {
        if (error instanceof StoreConstraintError && error.violation === 'unique') {
          throw conflict(`a developer with email ${input.email} already exists`);
        }
        throw error;
      }
    },
    /** A new token; the previous one stops working at once. */
    async issueToken(id: string): Promise<Developer & { token: string }> {
      const developer = await get(id);
      const token = generateToken(TOKEN_PREFIX);
      await store.developers.replaceTokenHash(id, hashToken(token));
      return { ...developer, token };
    },
    async delete(id: string): Promise<void> {
      try {
        if (!(await store.developers.delete(id))) throw notFound('developer', id);
      } catch (error) {
        if (error instanceof StoreConstraintError) throw conflict(`developer ${id} still has applications`);
        throw error;
      }
    },
  };
}

export type DeveloperService = ReturnType<typeof developerService>;
