import { PORTAL } from '../defaults';
import type { Store } from '../store';
import type { Actor, AuditEvent } from '../store/audit';
import type { AuthStrategy, Developer, Registration } from '../store/records';
import { presentApplication } from './application-creation';
import type { ApplicationService } from './applications';
import type { ApplicationInput, PresentedApplication } from './shapes/applications';

/** An auth strategy as a developer chooses it for a new application. */
export interface StrategyChoice {
  id: string;
  name: string;
  /** The developer brings an existing IdP client (and proves it with its secret) instead of one being registered. */
  selfManaged: boolean;
}

export interface ApplicationSummary {
  application: PresentedApplication;
  registrations: Registration[];
}

export interface ApplicationDetails extends ApplicationSummary {
  strategy: StrategyChoice | undefined;
  audit: AuditEvent[];
}

/** How to use fresh credentials: where to get a token, with which scopes, and the APIs they are meant for. */
export interface UsageGuide {
  issuer: string | undefined;
  scopes: string[];
  /** Gateway services (kong.yml names) published with the application's auth strategy. */
  apis: string[];
}

/** An application with its client secret (just created or refreshed), and how to use it. */
export interface FreshCredentials {
  application: PresentedApplication;
  guide: UsageGuide;
}

/** What one page shows at most of a list that has no paging of its own (registrations, the trail). */
const ALL = { number: 1, size: 100 };

const choiceOf = (strategy: AuthStrategy): StrategyChoice => ({
  id: strategy.id,
  name: strategy.display_name,
  selfManaged: strategy.dcr_provider_id === null,
});

/** A developer's applications as the portal's pages show them: each with its registrations, its strategy, its trail. */
export function myApplications(store: Store, applications: Pick<ApplicationService, 'reach' | 'create' | 'refreshSecret'>) {
  const guideFor = async (application: PresentedApplication): Promise<FreshCredentials> => {
    const strategy = await store.strategies.get(application.auth_strategy_id);
    const oidc = strategy?.configs['openid-connect'] as { issuer?: string; scopes?: string[] } | undefined;
    const apis = await store.publications.apiNamesOfStrategy(PORTAL.id, application.auth_strategy_id);
    return { application, guide: { issuer: oidc?.issuer, scopes: oidc?.scopes ?? [], apis } };
  };

  return {
    /**
     * Creates the application (once per idempotency key: a resubmitted form gets it back without the secret, its
     * `replayed` saying so) and says how to use its credentials.
     */
    create: async (developer: Developer, input: ApplicationInput, actor: Actor, idempotencyKey: string) =>
      guideFor(await applications.create(developer, input, actor, idempotencyKey)),
    /** A new secret for the application, shown this once, and how to use it. */
    refreshSecret: async (developer: Developer, id: string, actor: Actor) => guideFor(await applications.refreshSecret(developer, id, actor)),
    /** Every application of the developer, oldest first, each with its registrations. */
    async overview(developer: Developer): Promise<ApplicationSummary[]> {
      const owned = await store.applications.listAllOfDeveloper(developer.id);
      return Promise.all(
        owned.map(async (application) => ({
          application: presentApplication(application),
          registrations: (await store.registrations.list(application.id, ALL)).items,
        })),
      );
    },
    /** One of the developer's applications (another's is a 404), its strategy, registrations and audit trail. */
    async details(developer: Developer, id: string): Promise<ApplicationDetails> {
      const application = await applications.reach({ role: 'developer', developer }, id);
      const [strategy, registrations, audit] = await Promise.all([
        store.strategies.get(application.auth_strategy_id),
        store.registrations.list(application.id, ALL),
        store.audit.list(ALL, { application_id: application.id }),
      ]);
      return {
        application: presentApplication(application),
        strategy: strategy && choiceOf(strategy),
        registrations: registrations.items,
        audit: audit.items,
      };
    },
    /** The auth strategies of the published APIs: those a new application can use to reach one of them. */
    async strategyChoices(): Promise<StrategyChoice[]> {
      const { items } = await store.strategies.listPublished(ALL, { portalId: PORTAL.id });
      return items.map(choiceOf).sort((a, b) => a.name.localeCompare(b.name));
    },
  };
}

export type MyApplications = ReturnType<typeof myApplications>;
