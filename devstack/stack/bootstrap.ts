import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { PORTAL } from '../../sidecar/defaults';
import { DEMO_OPENAPI } from '../demo-openapi';

/** What `npm start` registers in the sidecar for the local Okta-compatible server, under names of its own. */
export const LOCAL_PROVIDER_NAME = 'local-okta';
export const LOCAL_STRATEGY_NAME = 'local-okta-client-credentials';
/** The service of kong.yml that `npm start` publishes in the portal: the walkthrough's route to the demo upstream. */
export const LOCAL_API_NAME = 'demo';

export interface BootstrappedObject {
  name: string;
  id: string;
  /** False when a previous run had made it already. */
  created: boolean;
}

/** An API's publication in the portal, as `/v3/apis/{id}/publications/{portalId}` answers it. */
export interface PublicationSettings {
  auth_strategy_ids: string[];
  visibility: 'public' | 'private';
  auto_approve_registrations: boolean | null;
}

export interface Bootstrapped {
  provider: BootstrappedObject;
  strategy: BootstrappedObject;
  api: BootstrappedObject;
  /**
   * Left as a previous run (or the admin since) made it, when it exists: created is false then. With the names
   * of its auth strategies, which an admin may have changed.
   */
  publication: PublicationSettings & { created: boolean; auth_strategy_names: string[] };
}

export interface BootstrapTarget {
  sidecarUrl: string;
  adminToken: string;
  issuer: string;
  /** The Okta API token the provider registers clients with. */
  dcrToken: string;
}

/**
 * The object of `collection` named `name`, looked up with Konnect's `filter[name]` and created from `body` only when
 * missing, so that a start on a used data directory finds what the last one made.
 */
async function lookUpOrCreate(http: AxiosInstance, collection: string, name: string, body: object): Promise<BootstrappedObject> {
  const found = bodyOf(await http.get<{ data: { id: string; name: string }[] }>(collection, { params: { 'filter[name]': name } }), 200);
  const existing = found.data.find((item) => item.name === name);
  if (existing) return { name, id: existing.id, created: false };
  const created = bodyOf(await http.post<{ id: string }>(collection, { name, ...body }), 201);
  return { name, id: created.id, created: true };
}

/** The body of an answer with the expected status; otherwise an error naming the call and the sidecar's problem. */
function bodyOf<T>(response: AxiosResponse<T>, status: number): T {
  if (response.status === status) return response.data;
  const problem = response.data as { detail?: string; title?: string } | undefined;
  const { method, url } = response.config;
  throw new Error(`${method?.toUpperCase()} ${url}: ${response.status} ${problem?.detail ?? problem?.title ?? ''}`.trim());
}

/** The API's publication in our portal, made from `settings` only when it has none. */
async function lookUpOrPublish(http: AxiosInstance, apiId: string, settings: PublicationSettings): Promise<PublicationSettings & { created: boolean }> {
  const path = `/v3/apis/${apiId}/publications/${PORTAL.id}`;
  const found = await http.get<PublicationSettings>(path);
  if (found.status !== 404) return { ...bodyOf(found, 200), created: false };
  return { ...bodyOf(await http.put<PublicationSettings>(path, settings), 201), created: true };
}

const strategyName = async (http: AxiosInstance, id: string) =>
  bodyOf(await http.get<{ name: string }>(`/v2/application-auth-strategies/${id}`), 200).name;

/**
 * Through the sidecar's admin API, as a person would: a DCR provider for the local Okta, an auth strategy on it,
 * and the demo API published in the portal with that strategy. Its registrations are not approved automatically:
 * the admin's approval is part of the journey.
 */
export async function bootstrapLocalOkta(target: BootstrapTarget): Promise<Bootstrapped> {
  const http = axios.create({
    baseURL: target.sidecarUrl,
    headers: { Authorization: `Bearer ${target.adminToken}` },
    proxy: false,
    timeout: 15_000,
    validateStatus: () => true,
  });
  const provider = await lookUpOrCreate(http, '/v2/dcr-providers', LOCAL_PROVIDER_NAME, {
    display_name: 'Local Okta-compatible server',
    provider_type: 'okta',
    issuer: target.issuer,
    dcr_config: { dcr_token: target.dcrToken },
  });
  const strategy = await lookUpOrCreate(http, '/v2/application-auth-strategies', LOCAL_STRATEGY_NAME, {
    display_name: 'Local Okta client credentials',
    strategy_type: 'openid_connect',
    configs: {
      'openid-connect': {
        issuer: target.issuer,
        credential_claim: ['client_id'],
        scopes: ['api:read'],
        auth_methods: ['client_credentials', 'bearer'],
      },
    },
    dcr_provider_id: provider.id,
  });
  const api = await lookUpOrCreate(http, '/v3/apis', LOCAL_API_NAME, {
    description: 'The echo service behind the dev gateway: it answers every request with what it received.',
    version: '1.0.0',
    spec_content: JSON.stringify(DEMO_OPENAPI),
  });
  const publication = await lookUpOrPublish(http, api.id, {
    auth_strategy_ids: [strategy.id],
    visibility: 'public',
    auto_approve_registrations: false,
  });
  const names = await Promise.all(publication.auth_strategy_ids.map((id) => (id === strategy.id ? strategy.name : strategyName(http, id))));
  return { provider, strategy, api, publication: { ...publication, auth_strategy_names: names } };
}
