import type { Mailer } from '../../mail/transport';
import type { Store } from '../../store';
import type { AccountLimits } from './limits';
import type { AccountLinks } from './links';
import type { AccountMails } from './mails';

/** What the account operations that send mail are built from. */
export interface MailingParts {
  store: Store;
  mailer: Mailer;
  mails: AccountMails;
  links: AccountLinks;
  limits: AccountLimits;
}
