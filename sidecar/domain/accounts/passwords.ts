import { hashPassword, verifyPassword } from '../../crypto/passwords';
import type { Developer } from '../../store/records';
import type { SessionFace } from '../../store/sessions';
import { InvalidInput } from '../errors';
import type { MailingParts } from './parts';
import type { AccountSessions } from './sessions';
import { normalizeEmail } from './sign-up';

interface Parts extends MailingParts {
  sessions: AccountSessions;
}

/** Setting, resetting and changing passwords; every change ends the developer's sessions. */
export function passwords({ store, mailer, mails, links, limits, sessions }: Parts) {
  const replace = async (developerId: string, password: string) => {
    await store.developers.setPasswordHash(developerId, await hashPassword(password));
    await store.accountTokens.deleteForDeveloper(developerId, ['reset_password', 'invitation']);
    await sessions.endAll(developerId);
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
    async reset(token: string, password: string): Promise<void> {
      const { developerId } = await links.redeem(token, ['reset_password', 'invitation']);
      const developer = await store.developers.get(developerId);
      if (developer && !developer.email_verified_at) await store.developers.markEmailVerified(developerId);
      await replace(developerId, password);
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
      await replace(developer.id, next);
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
