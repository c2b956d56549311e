import { type Static, Type } from '@sinclair/typebox';
import { DEFAULTS } from '../../defaults';
import { Body } from './common';

/** What reconciling one provider found (and, with fix, removed). */
export const ProviderReconciliation = Type.Object({
  provider_id: Type.String(),
  provider_name: Type.String(),
  status: Type.Union([Type.Literal('checked'), Type.Literal('unsupported'), Type.Literal('failed')], {
    description: 'unsupported: the IdP cannot list clients (RFC 7591 servers); failed: it could not be asked',
  }),
  error: Type.Optional(Type.String()),
  orphans: Type.Array(Type.Object({ client_id: Type.String(), client_name: Type.String() }), {
    description: 'IdP clients with our prefix that no application maps to',
  }),
  missing: Type.Array(Type.Object({ application_id: Type.String(), client_id: Type.String() }), {
    description: 'applications whose client the IdP no longer has',
  }),
  removed: Type.Array(Type.String(), { description: 'orphans deleted at the IdP (with fix)' }),
});
export type ProviderReconciliation = Static<typeof ProviderReconciliation>;

export const ReconcileReport = Type.Object({ data: Type.Array(ProviderReconciliation) });
export type ReconcileReport = Static<typeof ReconcileReport>;

export const ReconcileFix = Body({
  grace_seconds: Type.Optional(
    Type.Integer({ minimum: 0, default: DEFAULTS.reconcileGraceSeconds, description: 'younger orphans are only reported' }),
  ),
});
export type ReconcileFix = Static<typeof ReconcileFix>;
