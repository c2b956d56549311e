import type { AuthStrategy } from '../store/records';
import { oktaAuthDefault } from './okta-auth-defaults';
import type { PluginConfig } from './services';
import type { Difference } from './shapes/drift';

const sortedSet = (value: unknown): string[] => (Array.isArray(value) ? [...new Set(value.map(String))].sort() : []);
const sameSet = (a: unknown, b: unknown) => JSON.stringify(sortedSet(a)) === JSON.stringify(sortedSet(b));
const withoutTrailingSlash = (value: unknown) => (typeof value === 'string' ? value.replace(/\/+$/, '') : value);

/**
 * Every difference between an API's auth strategy and its service's okta-auth config in kong.yml: the issuer,
 * the scopes the gateway requires, the claims it reads the client id from. The gateway enforces its config, so
 * a difference means the portal promises what the gateway does not do.
 */
export function differences(strategy: AuthStrategy, config: PluginConfig): Difference[] {
  const oidc = (strategy.configs['openid-connect'] ?? {}) as { issuer?: string; scopes?: string[]; credential_claim?: string[] };
  const gateway = (field: string) => config[field] ?? oktaAuthDefault(field);
  const found: Difference[] = [];
  if (withoutTrailingSlash(oidc.issuer) !== withoutTrailingSlash(gateway('issuer'))) {
    found.push({ field: 'issuer', auth_strategy: oidc.issuer, gateway: gateway('issuer') ?? null });
  }
  if (!sameSet(oidc.scopes ?? [], gateway('scopes_required'))) {
    found.push({ field: 'scopes', auth_strategy: oidc.scopes ?? [], gateway: gateway('scopes_required') });
  }
  if (!sameSet(oidc.credential_claim ?? [], gateway('credential_claim'))) {
    found.push({ field: 'credential_claim', auth_strategy: oidc.credential_claim ?? [], gateway: gateway('credential_claim') });
  }
  return found;
}
