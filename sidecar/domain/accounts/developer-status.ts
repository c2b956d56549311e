import type { Store } from '../../store';
import type { Developer, DeveloperStatus } from '../../store/records';
import { ProblemError, notFound } from '../errors';
import type { AccountSessions } from './sessions';
import type { AccountSettings } from './settings';
import { checkDeveloperTransition } from './status';

/** An admin's approval, rejection, suspension (`revoked`) or reinstatement of a developer. */
export function developerStatuses(store: Store, sessions: AccountSessions, settings: Pick<AccountSettings, 'requireEmailVerification'>) {
  return {
    async change(id: string, to: DeveloperStatus): Promise<Developer> {
      const developer = await store.developers.get(id);
      if (!developer) throw notFound('developer', id);
      if (developer.status === to) return developer;
      checkDeveloperTransition(developer.status, to);
      if (to === 'approved' && developer.status === 'pending' && settings.requireEmailVerification && !developer.email_verified_at) {
        throw new ProblemError(409, 'Conflict', `developer ${id} has not verified their email yet`);
      }
      if (!(await store.developers.changeStatus(id, developer.status, to))) {
        throw new ProblemError(409, 'Conflict', `developer ${id} changed status meanwhile; read it again`);
      }
      // A suspension takes effect at once: the developer's browsers are signed out.
      if (to === 'revoked') await sessions.endAll(id);
      return { ...developer, status: to };
    },
  };
}

export type DeveloperStatuses = ReturnType<typeof developerStatuses>;
