import type { AuthStrategy, Publication } from '../store/records';

/**
 * Whether a registration request is approved at once: the publication's auto_approve_registrations, when set,
 * overrides its auth strategy's auto_approve; with neither, an admin decides.
 */
export function approvesAtOnce(
  publication: Pick<Publication, 'auto_approve_registrations'> | undefined,
  strategy: Pick<AuthStrategy, 'auto_approve'> | null | undefined,
): boolean {
  return publication?.auto_approve_registrations ?? strategy?.auto_approve ?? false;
}
