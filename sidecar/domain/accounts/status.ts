import type { DeveloperStatus } from '../../store/records';
import { Conflict } from '../errors';

/**
 * The developer state table (Konnect's statuses): a sign-up waits as `pending` for an admin's approval or
 * rejection; `revoked` is the console's Suspend, and Reinstate brings the developer back to `approved`.
 */
export const DEVELOPER_TRANSITIONS: Record<DeveloperStatus, readonly DeveloperStatus[]> = {
  pending: ['approved', 'rejected'],
  approved: ['revoked'],
  rejected: [],
  revoked: ['approved'],
};

export function checkDeveloperTransition(from: DeveloperStatus, to: DeveloperStatus): void {
  if (!DEVELOPER_TRANSITIONS[from].includes(to)) {
    throw new Conflict(`a developer's status cannot change from ${from} to ${to}`);
  }
}
