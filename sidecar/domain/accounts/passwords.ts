import { hashPassword, verifyPassword } from '../../crypto/passwords';
import type { Developer } from '../../store/records';
import type { SessionFace } from '../../store/sessions';
import { developerActor } from '../../store/audit';
import { developerEvent } from '../audit';
import { InvalidInput } from '../errors';
import type { MailingParts } from './parts';
import type { AccountSessions } from './sessions';
import { normalizeEmail } from './sign-up';

interface Parts extends MailingParts {
  sessions: AccountSessions;
}

/** Setting, resetting and changing passwords; every change ends the developer's sessions. */
export function passwords({ store, mailer, mails, links, limits, sessions }: Parts) {
  /**
   * The new password, its unused links spent, every session ended and the audit row (the developer, never the
   * password), in one transaction; a reset also marks the email verified: the link proved it.
   */
  const replace = async (developerId: string, password: string, action: 'developer.password_reset' | 'developer.password_changed', address: string) => {
    const passwordHash = await hashPassword(password);
    await store.transaction(async (tx) => {
      const before = await tx.developers.get(developerId);
      if (action === 'developer.password_reset' && before && !before.email_verified_at) await tx.developers.markEmailVerified(developerId);
      await tx.developers.setPasswordHash(developerId, passwordHash);
      await tx.accountTokens.deleteForDeveloper(developerId, ['reset_password', 'invitation']);
      await tx.sessions.deleteForDeveloper(developerId);
      await tx.audit.record(developerActor(developerId, address), { ...developerEvent(developerId), action, before, after: await tx.developers.get(developerId) });
    });
  };

  return {
    /** Mails a reset link when the email is known; the answer is the same when it is not. */
    async forgot(email: string, address: string): Promise<void> {
      await limits.countMailRequest(address);
      const found = await store.developers.findWithPasswordByEmail(normalizeEmail(email));
      if (!found) return;
      await store.accountTokens.deleteForDeveloper(found.developer.id, ['reset_password']);
      const token = await links.issue(found.developer.id, 'reset_password');
      await mailer.send(mails.resetPassword(found.developer.email, token));
    },
    /** A reset or invitation link sets the password; the link proves the email, so it counts as verified. */
    async reset(token: string, password: string, address: string): Promise<void> {
      const { developerId } = await links.redeem(token, ['reset_password', 'invitation']);
      await replace(developerId, password, 'developer.password_reset', address);
    },
    /**
     * The current password is required (and counted like a sign-in, so this is no way around the limits). Every
     * session ends; the caller, who proved the password just now, gets a new one on `face`: its id is returned.
     */
    async change(developer: Developer, current: string, next: string, address: string, face: SessionFace): Promise<string> {
      const attempt = await limits.beginSignIn(developer.email, address);
      if (!(await verifyPassword(current, await store.developers.passwordHash(developer.id)))) {
        throw InvalidInput.field('current_password', 'is not your current password');
      }
      await attempt.succeeded();
      await replace(developer.id, next, 'developer.password_changed', address);
      return (await sessions.start(developer.id, face)).id;
    },
    /** An admin-created developer gets a link to choose a password. */
    async invite(developer: Developer): Promise<void> {
      const token = await links.issue(developer.id, 'invitation');
      await mailer.send(mails.invitation(developer.email, developer.full_name, token));
    },
  };
}

export type Passwords = ReturnType<typeof passwords>;
