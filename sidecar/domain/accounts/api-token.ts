import { generateToken, hashToken } from '../../crypto/tokens';
import type { Store } from '../../store';
import { TitledProblem } from './problems';
import { unheldTokenHash } from './sign-up';

/** The prefix of developer tokens since the first admin API (secret scanners know it). */
export const DEVELOPER_TOKEN_PREFIX = 'kdcr_dev';

/** The developer's one personal API token (the bearer token of `/v2` for curl): shown once, replaced or revoked. */
export function apiTokens(store: Store) {
  return {
    /** A new token; a previous one stops working at once. */
    async create(developerId: string): Promise<{ token: string; created_at: string }> {
      const token = generateToken(DEVELOPER_TOKEN_PREFIX);
      const createdAt = new Date().toISOString();
      await store.developers.replaceTokenHash(developerId, hashToken(token), createdAt);
      return { token, created_at: createdAt };
    },
    async get(developerId: string): Promise<{ created_at: string }> {
      const developer = await store.developers.get(developerId);
      if (!developer?.token_created_at) throw new TitledProblem(404, 'Not Found', 'you have no personal API token');
      return { created_at: developer.token_created_at };
    },
    async revoke(developerId: string): Promise<void> {
      await store.developers.replaceTokenHash(developerId, unheldTokenHash(), null);
    },
  };
}

export type ApiTokens = ReturnType<typeof apiTokens>;
