import { generateToken, hashToken } from '../../crypto/tokens';
import { hashPassword } from '../../crypto/passwords';
import { StoreConstraintError } from '../../store/errors';
import { developerActor } from '../../store/audit';
import { developerEvent } from '../audit';
import type { MailingParts } from './parts';
import type { AccountSettings } from './settings';

export interface SignUp {
  email: string;
  full_name: string;
  /** Optional: without it, the verification answer carries a token to set one (Konnect's flow). */
  password?: string;
}

/** Emails compare without case and surrounding blanks. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** A token digest nobody holds: what `token_hash` keeps for a developer without a personal API token. */
export const unheldTokenHash = () => hashToken(generateToken('unheld'));

interface Parts extends MailingParts {
  settings: Pick<AccountSettings, 'autoApproveDevelopers' | 'requireEmailVerification'>;
}

export function signUps({ store, mailer, mails, links, limits, settings }: Parts) {
  const approvesAtOnce = settings.autoApproveDevelopers && !settings.requireEmailVerification;

  /** The same answer either way: only the mail says whether the email already had an account. */
  const toldAlreadyRegistered = (email: string) => mailer.send(mails.alreadyRegistered(email));

  return {
    /** Never attaches to an existing developer, and answers alike whether the email is known or not. */
    async register(input: SignUp, address: string): Promise<void> {
      await limits.countMailRequest(address);
      const email = normalizeEmail(input.email);
      // Hash first on both paths: the time taken must not say whether the email is known.
      const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
      if (await store.developers.findWithPasswordByEmail(email)) return toldAlreadyRegistered(email);
      let developer;
      try {
        developer = await store.transaction(async (tx) => {
          const created = await tx.developers.create({
            email,
            full_name: input.full_name,
            token_hash: unheldTokenHash(),
            token_created_at: null,
            password_hash: passwordHash,
            status: approvesAtOnce ? 'approved' : 'pending',
          });
          await tx.audit.record(developerActor(created.id, address), { ...developerEvent(created.id), action: 'developer.signed_up', after: created });
          return created;
        });
      } catch (error) {
        if (error instanceof StoreConstraintError && error.violation === 'unique') return toldAlreadyRegistered(email);
        throw error;
      }
      // Without a password the verification link is also the way to set one.
      if (settings.requireEmailVerification || passwordHash === null) {
        const token = await links.issue(developer.id, 'verify_email');
        await mailer.send(mails.verifyEmail(email, developer.full_name, token));
      }
    },
    /**
     * Marks the email verified (and approves the developer when approval is automatic). Portal API v2 answers
     * the email, and a token to set a password when the developer has none yet.
     */
    async verifyEmail(token: string, address: string): Promise<{ email: string; token?: string }> {
      const { developerId } = await links.redeem(token, ['verify_email']);
      const developer = await store.transaction(async (tx) => {
        const before = await tx.developers.get(developerId);
        await tx.developers.markEmailVerified(developerId);
        if (settings.autoApproveDevelopers) await tx.developers.changeStatus(developerId, 'pending', 'approved');
        const after = await tx.developers.get(developerId);
        if (!after) throw new Error(`developer ${developerId} vanished during verification`);
        await tx.audit.record(developerActor(developerId, address), { ...developerEvent(developerId), action: 'developer.email_verified', before, after });
        return after;
      });
      if ((await store.developers.passwordHash(developerId)) !== null) return { email: developer.email };
      return { email: developer.email, token: await links.issue(developerId, 'reset_password') };
    },
  };
}

export type SignUps = ReturnType<typeof signUps>;
