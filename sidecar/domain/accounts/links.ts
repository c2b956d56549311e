import { randomUUID } from 'node:crypto';
import { hashToken } from '../../crypto/tokens';
import type { Store } from '../../store';
import type { AccountTokenPurpose } from '../../store/account-tokens';
import { LinkExpired, LinkNotFound } from './problems';
import type { AccountSettings } from './settings';

/** A redeemed link: whose, and what for. */
export interface RedeemedLink {
  developerId: string;
  purpose: AccountTokenPurpose;
}

/**
 * Single-use tokens for mailed links. Portal API v2 declares them as UUIDs; a v4 UUID from node's CSPRNG has
 * 122 random bits, beyond guessing within a link's lifetime. Only the SHA-256 is stored.
 */
export function accountLinks(store: Store, settings: Pick<AccountSettings, 'linkTtlMs'>) {
  return {
    async issue(developerId: string, purpose: AccountTokenPurpose): Promise<string> {
      const token = randomUUID();
      const expiresAt = new Date(Date.now() + settings.linkTtlMs[purpose]);
      await store.accountTokens.create(hashToken(token), developerId, purpose, expiresAt);
      return token;
    },
    /** 404 when unknown or used already, 410 when expired (Portal API v2's answers); either way it is spent. */
    async redeem(token: string, purposes: AccountTokenPurpose[]): Promise<RedeemedLink> {
      const found = await store.accountTokens.consume(hashToken(token), purposes);
      if (!found) throw new LinkNotFound();
      if (new Date(found.expiresAt).getTime() <= Date.now()) throw new LinkExpired();
      return { developerId: found.developerId, purpose: found.purpose };
    },
  };
}

export type AccountLinks = ReturnType<typeof accountLinks>;
