import type { RegistrationStatus } from '../store/records';
import { Conflict } from './errors';

/**
 * The registration state table, with Konnect's statuses. An admin decides: pending -> approved | rejected,
 * approved -> revoked. The developer withdraws a registration in any state (it is deleted), and may request
 * again once it is rejected or revoked (a new pending registration); while one is open (pending or approved)
 * another request is a 409.
 */
const DECISIONS: Record<RegistrationStatus, RegistrationStatus[]> = {
  pending: ['approved', 'rejected'],
  approved: ['revoked'],
  rejected: [],
  revoked: [],
};

export const isOpen = (status: RegistrationStatus) => status === 'pending' || status === 'approved';

/** 409 unless an admin may move a registration from `from` to `to`. */
export function checkDecision(id: string, from: RegistrationStatus, to: RegistrationStatus): void {
  if (DECISIONS[from].includes(to)) return;
  const allowed = DECISIONS[from];
  const next = allowed.length === 0 ? 'it can only be withdrawn or requested again' : `it can only be ${allowed.join(' or ')}`;
  throw new Conflict(`registration ${id} is ${from}: ${next}`);
}
