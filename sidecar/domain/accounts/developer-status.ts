import type { Store } from '../../store';
import type { Actor } from '../../store/audit';
import { developerEvent } from '../audit';
import type { Developer, DeveloperStatus } from '../../store/records';
import { Conflict, NotFound } from '../errors';
import { PORTAL_ID } from '../portal';
import type { AccountSettings } from './settings';
import { checkDeveloperTransition } from './status';

/** An admin's approval, rejection, suspension (`revoked`) or reinstatement of a developer. */
export function developerStatuses(store: Store, settings: Pick<AccountSettings, 'requireEmailVerification'>) {
  return {
    /** The developer of the one portal, moved along the state table. */
    async change(portalId: string, id: string, to: DeveloperStatus, actor: Actor): Promise<Developer> {
      if (portalId !== PORTAL_ID) throw new NotFound('portal', portalId);
      const developer = await store.developers.get(id);
      if (!developer) throw new NotFound('developer', id);
      if (developer.status === to) return developer;
      checkDeveloperTransition(developer.status, to);
      if (to === 'approved' && developer.status === 'pending' && settings.requireEmailVerification && !developer.email_verified_at) {
        throw new Conflict(`developer ${id} has not verified their email yet`);
      }
      return store.transaction(async (tx) => {
        if (!(await tx.developers.changeStatus(id, developer.status, to))) {
          throw new Conflict(`developer ${id} changed status meanwhile; read it again`);
        }
        // A suspension takes effect at once: the developer's browsers are signed out.
        if (to === 'revoked') await tx.sessions.deleteForDeveloper(id);
        const after = (await tx.developers.get(id)) ?? { ...developer, status: to };
        await tx.audit.record(actor, { ...developerEvent(id), action: `developer.${to}`, before: developer, after });
        return after;
      });
    },
  };
}

export type DeveloperStatuses = ReturnType<typeof developerStatuses>;
