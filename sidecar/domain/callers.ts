import { hashToken } from '../crypto/tokens';
import type { Developer } from '../store/records';

/** Who makes a call, as the domain needs to know it: the admin reaches everything, a developer their own. */
export type Caller = { role: 'admin' } | { role: 'developer'; developer: Developer };

/** The admin token's id in the audit trail and in console sessions: a prefix of its digest, which says which token without being it. */
export const adminTokenId = (adminToken: string) => `admin-${hashToken(adminToken).slice(0, 16)}`;
