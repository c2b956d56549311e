import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { type StoreContext, paginate } from './context';
import type { PageOf, PageRequest } from './records';
import type { AuditEventRow } from './schema';

/** Who made a change: a developer, or the admin (the token's id) from an address; or the sidecar itself. */
export interface Actor {
  type: 'admin' | 'developer' | 'system';
  id: string;
  address: string | null;
}

/** A developer acting from a client address (their own account flows, their session, their token). */
export const developerActor = (id: string, address: string): Actor => ({ type: 'developer', id, address });

/** The background pass (deletion retries, late-registration clean-up): no one asked for it from anywhere. */
export const HOUSEKEEPING: Actor = { type: 'system', id: 'housekeeping', address: null };

/** `npm run reconcile --fix`, run on the sidecar's host by whoever may read its configuration. */
export const RECONCILE_COMMAND: Actor = { type: 'system', id: 'reconcile-command', address: null };

export interface AuditEvent {
  id: string;
  created_at: string;
  actor: Actor;
  action: string;
  resource_type: string;
  resource_id: string;
  application_id: string | null;
  before: unknown;
  after: unknown;
}

export interface NewAuditEvent {
  action: string;
  resource_type: string;
  resource_id: string;
  application_id?: string | null;
  before?: unknown;
  after?: unknown;
}

export type AuditFilter = Partial<Pick<AuditEventRow, 'actor_id' | 'resource_type' | 'resource_id' | 'application_id' | 'action'>>;

const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));

/** The audit trail: written with each change (in its transaction), read by the admin and, per application, its developer. */
export function auditRepository(ctx: StoreContext) {
  const { db } = ctx;
  const toRecord = (row: AuditEventRow): AuditEvent => ({
    id: row.id,
    created_at: row.created_at,
    actor: { type: row.actor_type as Actor['type'], id: row.actor_id, address: row.address },
    action: row.action,
    resource_type: row.resource_type,
    resource_id: row.resource_id,
    application_id: row.application_id,
    before: row.before === null ? null : JSON.parse(row.before),
    after: row.after === null ? null : JSON.parse(row.after),
  });
  return {
    async record(actor: Actor, event: NewAuditEvent): Promise<void> {
      await db
        .insertInto('audit_events')
        .values({
          id: randomUUID(),
          created_at: ctx.now().toISOString(),
          actor_type: actor.type,
          actor_id: actor.id,
          address: actor.address,
          action: event.action,
          resource_type: event.resource_type,
          resource_id: event.resource_id,
          application_id: event.application_id ?? null,
          before: json(event.before),
          after: json(event.after),
        })
        .execute();
    },
    /** One page, oldest first (or newest first), of the events that match every filter given. */
    list(page: PageRequest, filter: AuditFilter, order: 'oldest' | 'newest' = 'oldest'): Promise<PageOf<AuditEvent>> {
      let base = db.selectFrom('audit_events');
      for (const [column, value] of Object.entries(filter) as [keyof AuditFilter, string | undefined][]) {
        if (value !== undefined) base = base.where(column, '=', value);
      }
      return paginate(base, page, toRecord, order === 'newest' ? sql`created_at desc` : undefined);
    },
  };
}
