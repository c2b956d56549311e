import { generateToken, hashToken } from '../../crypto/tokens';
import type { Store } from '../../store';
import type { Actor } from '../../store/audit';
import { developerEvent } from '../audit';
import { TitledProblem } from './problems';
import { unheldTokenHash } from './sign-up';

/** The prefix of developer tokens since the first admin API (secret scanners know it). */
export const DEVELOPER_TOKEN_PREFIX = 'kdcr_dev';

/** The developer's one personal API token (the bearer token of `/v2` for curl): shown once, replaced or revoked. */
export function apiTokens(store: Store) {
  /** The new digest and the audit row (the developer before and after: when their token was made, never it). */
  const replace = (developerId: string, tokenHash: string, createdAt: string | null, action: string, actor: Actor) =>
    store.transaction(async (tx) => {
      const before = await tx.developers.get(developerId);
      await tx.developers.replaceTokenHash(developerId, tokenHash, createdAt);
      await tx.audit.record(actor, { ...developerEvent(developerId), action, before, after: await tx.developers.get(developerId) });
    });
  return {
    /** A new token; a previous one stops working at once. */
    async create(developerId: string, actor: Actor): Promise<{ token: string; created_at: string }> {
      const token = generateToken(DEVELOPER_TOKEN_PREFIX);
      const createdAt = new Date().toISOString();
      await replace(developerId, hashToken(token), createdAt, 'developer.api_token_created', actor);
      return { token, created_at: createdAt };
    },
    async get(developerId: string): Promise<{ created_at: string }> {
      const developer = await store.developers.get(developerId);
      if (!developer?.token_created_at) throw new TitledProblem(404, 'Not Found', 'you have no personal API token');
      return { created_at: developer.token_created_at };
    },
    async revoke(developerId: string, actor: Actor): Promise<void> {
      await replace(developerId, unheldTokenHash(), null, 'developer.api_token_revoked', actor);
    },
  };
}

export type ApiTokens = ReturnType<typeof apiTokens>;
