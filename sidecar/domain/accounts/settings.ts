/** How developer accounts behave; the defaults (the safe ones) are `DEFAULTS.accounts`. */
export interface AccountSettings {
  /** The portal's public URL: the links in mails, and its own origin for CSRF checks. */
  portalUrl: string;
  /** Approve a developer as soon as their email is verified (or at sign-up without verification). */
  autoApproveDevelopers: boolean;
  /** Send a link to verify the email before the account can be approved. */
  requireEmailVerification: boolean;
  /** How long a mailed link works, by purpose. */
  linkTtlMs: { verify_email: number; reset_password: number; invitation: number };
  /** A session ends this long after its last use, and this long after sign-in whatever the use. */
  session: { idleMs: number; absoluteMs: number };
  signIn: SignInLimits;
  /** Sign-ups and password-reset mails one client address may ask for per hour. */
  mailsPerAddressPerHour: number;
}

export interface SignInLimits {
  windowMs: number;
  /** Failed sign-ins of one email within the window before every attempt is 429 until the oldest ages out. */
  maxFailuresPerEmail: number;
  /** Failed sign-ins from one client address within the window (many emails tried from one place). */
  maxFailuresPerAddress: number;
  /** The wait after the n-th failure (n >= 2) is baseDelayMs * 2^(n-2), at most maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Passwords: long enough to resist guessing, bounded so that the KDF's input stays small. */
export const PASSWORD_LENGTH = { min: 12, max: 256 } as const;
