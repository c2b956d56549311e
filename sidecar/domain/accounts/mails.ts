import type { Mail } from '../../mail/transport';
import type { AccountSettings } from './settings';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const count = (n: number, unit: 'day' | 'hour') => `${n} ${unit}${n === 1 ? '' : 's'}`;
/** A link's lifetime in words: "1 day", "7 days", "1 hour". */
const duration = (ms: number) => (ms % DAY === 0 ? count(ms / DAY, 'day') : count(Math.round(ms / HOUR) || 1, 'hour'));

/** The account mails, plain text: each names what happened and carries at most one link. */
export function accountMails({ portalUrl, linkTtlMs }: Pick<AccountSettings, 'portalUrl' | 'linkTtlMs'>) {
  const link = (path: string, token: string) => `${new URL(path, portalUrl).href}?token=${encodeURIComponent(token)}`;
  const signIn = new URL('/login', portalUrl).href;
  const forgot = new URL('/forgot-password', portalUrl).href;
  return {
    verifyEmail: (to: string, name: string, token: string): Mail => ({
      to,
      subject: 'Verify your email for the developer portal',
      text: `Hello ${name},\n\nconfirm that this is your email address by opening this link within ${duration(linkTtlMs.verify_email)}:\n\n${link('/verify-email', token)}\n\nIf you did not sign up, ignore this mail.\n`,
    }),
    alreadyRegistered: (to: string): Mail => ({
      to,
      subject: 'You already have an account on the developer portal',
      text: `Hello,\n\nsomeone asked to sign up with this email, but you already have an account. Sign in at ${signIn}, or reset your password at ${forgot}.\n\nIf it was not you, ignore this mail: nothing has changed.\n`,
    }),
    resetPassword: (to: string, token: string): Mail => ({
      to,
      subject: 'Reset your developer portal password',
      text: `Hello,\n\nset a new password by opening this link within ${duration(linkTtlMs.reset_password)}:\n\n${link('/reset-password', token)}\n\nIf you did not ask for it, ignore this mail: your password has not changed.\n`,
    }),
    invitation: (to: string, name: string, token: string): Mail => ({
      to,
      subject: 'You are invited to the developer portal',
      text: `Hello ${name},\n\nan administrator created a developer portal account for you. Choose your password by opening this link within ${duration(linkTtlMs.invitation)}:\n\n${link('/reset-password', token)}\n`,
    }),
  };
}

export type AccountMails = ReturnType<typeof accountMails>;
