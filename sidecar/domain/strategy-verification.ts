import { issuerProblems } from '../idp/discovery';
import type { AuthStrategyService } from './auth-strategies';
import type { DcrProviderService } from './dcr-providers';
import type { Verification } from './shapes/dcr-providers';

/**
 * Checks an auth strategy against the IdP: its issuer's discovery document (what the gateway's okta-auth reads),
 * and its DCR provider's stored configuration when it has one.
 */
export function strategyVerifier(strategies: Pick<AuthStrategyService, 'get'>, providers: Pick<DcrProviderService, 'verify'>, timeoutMs: number) {
  return {
    async verify(id: string): Promise<Verification> {
      const strategy = await strategies.get(id);
      const issuer = (strategy.configs['openid-connect'] as { issuer: string }).issuer;
      const errors = (await issuerProblems(issuer, timeoutMs)).map((problem) => `issuer: ${problem}`);
      if (strategy.dcr_provider_id) {
        const provider = await providers.verify(strategy.dcr_provider_id);
        errors.push(...provider.errors.map((problem) => `DCR provider: ${problem}`));
      }
      return { status: errors.length === 0 ? 'success' : 'failed', errors };
    },
  };
}

export type StrategyVerifier = ReturnType<typeof strategyVerifier>;
