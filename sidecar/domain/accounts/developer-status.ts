import type { Store } from '../../store';
import type { Actor } from '../../store/audit';
import type { Developer, DeveloperStatus } from '../../store/records';
import { Conflict, NotFound } from '../errors';
import { PORTAL_ID } from '../portal';
import type { AccountSessions } from './sessions';
import type { AccountSettings } from './settings';
import { checkDeveloperTransition } from './status';

/** An admin's approval, rejection, suspension (`revoked`) or reinstatement of a developer. */
export function developerStatuses(store: Store, sessions: AccountSessions, settings: Pick<AccountSettings, 'requireEmailVerification'>) {
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
      const changed = await store.transaction(async (tx) => {
        const after = (await tx.developers.changeStatus(id, developer.status, to)) && (await tx.developers.get(id));
        if (!after) throw new Conflict(`developer ${id} changed status meanwhile; read it again`);
        await tx.audit.record(actor, { action: `developer.${to}`, resource_type: 'developer', resource_id: id, before: developer, after });
        return after;
      });
      // A suspension takes effect at once: the developer's browsers are signed out.
      if (to === 'revoked') await sessions.endAll(id);
      return changed;
    },
  };
}

export type DeveloperStatuses = ReturnType<typeof developerStatuses>;
