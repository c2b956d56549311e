import type { Actor } from '../../store/audit';
import type { AuthStrategy } from '../../store/records';
import type { AuthStrategyService } from '../auth-strategies';
import type { StrategyForm } from '../shapes/console';

/** "api:read, api:write" or "api:read api:write" -> ["api:read", "api:write"] */
const listOf = (text: string | undefined) => (text ?? '').split(/[\s,]+/).filter(Boolean);

/** An auth strategy's form fields, filled in from the strategy (the edit form). */
export function strategyFormOf(strategy: AuthStrategy): Record<string, string> {
  const oidc = strategy.configs['openid-connect'] as { issuer?: string; scopes?: string[]; credential_claim?: string[]; auth_methods?: string[] };
  return {
    name: strategy.name,
    display_name: strategy.display_name,
    'configs.openid-connect.issuer': oidc.issuer ?? '',
    'configs.openid-connect.scopes': (oidc.scopes ?? []).join(' '),
    'configs.openid-connect.credential_claim': (oidc.credential_claim ?? []).join(' '),
    'configs.openid-connect.auth_methods': (oidc.auth_methods ?? []).join(' '),
    dcr_provider_id: strategy.dcr_provider_id ?? '',
    ...(strategy.auto_approve && { auto_approve: 'on' }),
  };
}

/** The console's auth strategy forms, turned into the API's input (an empty list is left to the gateway's default). */
export function strategyForms(strategies: AuthStrategyService) {
  const configsOf = (form: StrategyForm) => {
    const lists = {
      scopes: listOf(form['configs.openid-connect.scopes']),
      credential_claim: listOf(form['configs.openid-connect.credential_claim']),
      auth_methods: listOf(form['configs.openid-connect.auth_methods']),
    };
    const given = Object.fromEntries(Object.entries(lists).filter(([, values]) => values.length > 0));
    return { 'openid-connect': { issuer: form['configs.openid-connect.issuer'], ...given } };
  };
  return {
    create: (form: StrategyForm, actor: Actor) =>
      strategies.create(
        {
          name: form.name,
          display_name: form.display_name,
          strategy_type: 'openid_connect',
          configs: configsOf(form),
          dcr_provider_id: form.dcr_provider_id ? form.dcr_provider_id : null,
          auto_approve: form.auto_approve === 'on',
        },
        actor,
      ),
    /** The provider never changes (its clients live there): the edit form does not send it. */
    update: (id: string, form: StrategyForm, actor: Actor) =>
      strategies.update(
        id,
        { name: form.name, display_name: form.display_name, configs: configsOf(form), auto_approve: form.auto_approve === 'on' },
        actor,
      ),
  };
}

export type StrategyForms = ReturnType<typeof strategyForms>;
