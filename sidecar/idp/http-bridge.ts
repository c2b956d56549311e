import { Type } from '@sinclair/typebox';
import { IdpError, idpFailure, oauthError } from './errors';
import { Deadline, callIdp, idpHttpClient } from './http-call';
import type { DriverDefinition, DriverOptions, IdpDriver, ProviderSettings } from './types';

const IDP_NAME = 'The HTTP DCR bridge';
/** Kong's bridge spec requires these ids; we have no Konnect portal or organization, so unless configured: nil. */
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * Kong's HTTP DCR bridge (Kong/konnect-portal-dcr-handler's openapi.yaml): `POST /`, `DELETE /{client_id}`,
 * `POST /{client_id}/new-secret`, authenticated by `X-API-KEY`. It has no way to list clients.
 */
function httpBridgeDriver(settings: ProviderSettings, options: DriverOptions): IdpDriver {
  const baseUrl = String(settings.dcr_config.dcr_base_url).replace(/\/+$/, '');
  const http = idpHttpClient(baseUrl, { 'x-api-key': settings.dcr_secrets.api_key ?? '' });
  const call = (what: string, request: Parameters<typeof http.request>[0]) =>
    callIdp(http, request, new Deadline(options.timeoutMs), what);
  const clientPath = (clientId: string) => `/${encodeURIComponent(clientId)}`;

  return {
    async register({ clientName, description, redirectUris, developerId }) {
      const response = await call('register the client', {
        method: 'POST',
        url: '/',
        data: {
          client_name: clientName,
          application_description: description,
          redirect_uris: redirectUris,
          grant_types: ['client_credentials'],
          token_endpoint_auth_method: 'client_secret_basic',
          portal_id: settings.dcr_config.portal_id ?? NIL_UUID,
          organization_id: settings.dcr_config.organization_id ?? NIL_UUID,
          // Ours is not a UUID the bridge knows either, but it is one, and it names the developer.
          developer_id: developerId,
        },
      });
      // The spec says 201; Konnect takes any 2xx.
      if (response.status < 200 || response.status > 299) throw idpFailure(response, 'register the client', IDP_NAME);
      return { clientId: response.data.client_id, clientSecret: response.data.client_secret, managementSecrets: null };
    },
    async deleteClient(clientId) {
      const response = await call('delete the client', { method: 'DELETE', url: clientPath(clientId) });
      if ((response.status >= 200 && response.status <= 299) || response.status === 404) return;
      throw idpFailure(response, 'delete the client', IDP_NAME);
    },
    async refreshSecret(clientId) {
      // An empty JSON body: without one, axios labels the POST as a form, which strict servers refuse (415).
      const response = await call('issue a new secret', { method: 'POST', url: `${clientPath(clientId)}/new-secret`, data: {} });
      if (response.status === 404) throw new IdpError('not_found', `the bridge does not know client ${clientId}`, oauthError(response, IDP_NAME));
      if (response.status < 200 || response.status > 299) throw idpFailure(response, 'issue a new secret', IDP_NAME);
      return { clientSecret: response.data.client_secret, managementSecrets: null };
    },
    listClients: async () => null,
    /** The bridge has no read call: deleting a client that cannot exist checks reachability and the API key. */
    async verify() {
      try {
        const response = await call('answer', { method: 'DELETE', url: clientPath(`kong-dcr-verify-${Date.now()}`) });
        if (response.status === 401 || response.status === 403 || response.status >= 500) {
          const { error, error_description } = oauthError(response, IDP_NAME);
          return [`${error}: ${error_description}`];
        }
        return [];
      } catch (error) {
        return [(error as Error).message];
      }
    },
  };
}

const Uuid = Type.String({ pattern: '^[0-9a-fA-F-]{36}$' });

export const httpBridge: DriverDefinition = {
  configSchema: Type.Object(
    {
      dcr_base_url: Type.String({ minLength: 1 }),
      // Kong's constraint on the key, so that a key that works with Konnect works here and the other way round.
      api_key: Type.String({ minLength: 12, maxLength: 256, pattern: '^[a-zA-Z0-9_]+$' }),
      portal_id: Type.Optional(Uuid),
      organization_id: Type.Optional(Uuid),
    },
    { additionalProperties: false },
  ),
  secretFields: ['api_key'],
  urlFields: ['dcr_base_url'],
  create: httpBridgeDriver,
};
