import type { Mailer } from '../../mail/transport';
import type { Store } from '../../store';
import { apiTokens } from './api-token';
import { developerStatuses } from './developer-status';
import { accountLimits } from './limits';
import { accountLinks } from './links';
import { accountMails } from './mails';
import { passwords } from './passwords';
import { preSessions } from './pre-sessions';
import { accountSessions } from './sessions';
import type { AccountSettings } from './settings';
import { signIns } from './sign-in';
import { signUps } from './sign-up';

const HOUR = 3_600_000;

/** What the account domain is built from: the store, the one mail transport and the settings. */
export interface AccountOptions {
  mailer: Mailer;
  settings: AccountSettings;
}

/** Developer accounts: sign-up, sign-in, sessions, passwords, the personal API token, statuses. */
export function accountService(store: Store, { mailer, settings }: AccountOptions) {
  const mails = accountMails(settings);
  const links = accountLinks(store, settings);
  const limits = accountLimits(store, settings);
  const sessions = accountSessions(store, settings);
  const anonymous = preSessions(store);
  return {
    settings,
    signUps: signUps({ store, mailer, mails, links, limits, settings }),
    signIns: signIns(store, limits, sessions, settings),
    sessions,
    preSessions: anonymous,
    passwords: passwords({ store, mailer, mails, links, limits, sessions }),
    apiTokens: apiTokens(store),
    statuses: developerStatuses(store, settings),
    /** Drops what can no longer be used: timed-out sessions and pre-sessions, expired links, counts older than every window. */
    async purgeExpired(): Promise<void> {
      await sessions.purgeExpired();
      await anonymous.purgeExpired();
      await store.accountTokens.purgeExpired();
      await store.rateLimits.purgeBefore(new Date(Date.now() - Math.max(settings.signIn.windowMs, HOUR)));
    },
  };
}

export type AccountService = ReturnType<typeof accountService>;
