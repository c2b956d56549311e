import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { AppOptions } from '../../sidecar/app';
import { startOktaEmulator } from './okta-emulator';
import { type TestSidecar, startTestSidecar } from './sidecar-app';

let counter = 0;
const next = () => `${process.pid}-${++counter}`;

function created(response: LightMyRequestResponse, what: string) {
  if (response.statusCode !== 201) throw new Error(`${what}: HTTP ${response.statusCode} ${response.body}`);
  return response.json();
}

/** The DCR request of a machine-to-machine client at Okta, as the okta driver sends it. */
export const serviceClient = (clientName: string) => ({
  client_name: clientName,
  application_type: 'service',
  grant_types: ['client_credentials'],
  response_types: ['token'],
  token_endpoint_auth_method: 'client_secret_basic',
  redirect_uris: [],
});

/** Kong's Okta DCR guide, admin side: an okta DCR provider and an auth strategy that uses it. */
export async function oktaStrategy(
  sidecar: Pick<TestSidecar, 'admin'>,
  okta: { issuer: string; apiToken: string },
  options: { autoApprove?: boolean } = {},
): Promise<{ providerId: string; strategyId: string }> {
  const provider = created(
    await sidecar.admin({
      method: 'POST',
      url: '/v2/dcr-providers',
      payload: { name: `okta-${next()}`, provider_type: 'okta', issuer: okta.issuer, dcr_config: { dcr_token: okta.apiToken } },
    }),
    'create DCR provider',
  );
  const strategy = await selfManagedStrategy(sidecar, okta.issuer, { ...options, providerId: provider.id });
  return { providerId: provider.id, strategyId: strategy };
}

/** An auth strategy; without providerId, its applications bring existing IdP client IDs. */
export async function selfManagedStrategy(
  sidecar: Pick<TestSidecar, 'admin'>,
  issuer: string,
  options: { autoApprove?: boolean; providerId?: string } = {},
): Promise<string> {
  const strategy = created(
    await sidecar.admin({
      method: 'POST',
      url: '/v2/application-auth-strategies',
      payload: {
        name: `okta-cc-${next()}`,
        display_name: 'Okta client credentials',
        strategy_type: 'openid_connect',
        configs: {
          'openid-connect': { issuer, credential_claim: ['client_id'], scopes: ['api:read'], auth_methods: ['client_credentials', 'bearer'] },
        },
        ...(options.providerId && { dcr_provider_id: options.providerId }),
        ...(options.autoApprove && { auto_approve: true }),
      },
    }),
    'create auth strategy',
  );
  return strategy.id;
}

/** A developer and a way to call the API with their token. */
export async function developer(sidecar: TestSidecar) {
  const body = created(
    await sidecar.admin({
      method: 'POST',
      url: '/v2/developers',
      payload: { email: `dev-${next()}@example.com`, full_name: 'Dev Eloper' },
    }),
    'create developer',
  );
  return {
    id: body.id as string,
    token: body.token as string,
    call: (options: InjectOptions) =>
      sidecar.app.inject({ ...options, headers: { authorization: `Bearer ${body.token}`, ...options.headers } }),
  };
}

export type TestDeveloper = Awaited<ReturnType<typeof developer>>;

/** The local Okta-compatible server, a sidecar with an okta provider and strategy on it, and a developer. */
export async function startOktaSidecar(overrides: Partial<AppOptions> = {}) {
  const okta = await startOktaEmulator();
  const sidecar = await startTestSidecar(overrides);
  const { providerId, strategyId } = await oktaStrategy(sidecar, okta);
  return {
    okta,
    sidecar,
    providerId,
    strategyId,
    alice: await developer(sidecar),
    async stop() {
      await sidecar.close();
      await okta.stop();
    },
  };
}

export type OktaSidecar = Awaited<ReturnType<typeof startOktaSidecar>>;
