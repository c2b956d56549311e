import { Type } from '@sinclair/typebox';
import { Conflict } from '../domain/errors';
import { IdpError, idpFailure } from './errors';
import { Deadline, callIdp, idpHttpClient } from './http-call';
import type { DriverDefinition, DriverOptions, IdpDriver, ProviderSettings } from './types';

const IDP_NAME = 'The OpenID provider';

/**
 * Any RFC 7591 (registration) / RFC 7592 (management) server: the registration endpoint comes from the issuer's
 * discovery document, and each client's registration access token and URI are kept (encrypted) to delete it.
 */
function openIdConnectDriver(settings: ProviderSettings, options: DriverOptions): IdpDriver {
  const http = idpHttpClient(settings.issuer.replace(/\/+$/, ''), {});
  const initialAccessToken = settings.dcr_secrets.initial_access_token;

  const registrationEndpoint = async (deadline: Deadline): Promise<string> => {
    const response = await callIdp(http, { method: 'GET', url: '/.well-known/openid-configuration' }, deadline, 'publish its configuration');
    if (response.status !== 200) throw idpFailure(response, 'publish its configuration', IDP_NAME);
    const endpoint = (response.data as { registration_endpoint?: unknown }).registration_endpoint;
    if (typeof endpoint !== 'string') {
      throw new IdpError('rejected', 'the OpenID provider offers no registration_endpoint', {
        error: 'registration_not_supported',
        error_description: 'discovery has no registration_endpoint',
      });
    }
    return endpoint;
  };

  return {
    async register({ clientName, redirectUris }) {
      const deadline = new Deadline(options.timeoutMs);
      const response = await callIdp(
        http,
        {
          method: 'POST',
          url: await registrationEndpoint(deadline),
          headers: initialAccessToken ? { authorization: `Bearer ${initialAccessToken}` } : {},
          data: {
            client_name: clientName,
            grant_types: ['client_credentials'],
            response_types: [],
            token_endpoint_auth_method: 'client_secret_basic',
            redirect_uris: redirectUris,
          },
        },
        deadline,
        'register the client',
      );
      if (response.status !== 201) throw idpFailure(response, 'register the client', IDP_NAME);
      const { client_id, client_secret, registration_access_token, registration_client_uri } = response.data;
      return {
        clientId: client_id,
        clientSecret: client_secret,
        managementSecrets: registration_access_token ? { registration_access_token, registration_client_uri } : null,
      };
    },
    async deleteClient(clientId, managementSecrets) {
      if (!managementSecrets?.registration_access_token || !managementSecrets.registration_client_uri) {
        throw new IdpError('rejected', `no registration access token is kept for client ${clientId}`, {
          error: 'invalid_token',
          error_description: 'the client was registered without RFC 7592 management',
        });
      }
      const response = await callIdp(
        http,
        {
          method: 'DELETE',
          url: managementSecrets.registration_client_uri,
          headers: { authorization: `Bearer ${managementSecrets.registration_access_token}` },
        },
        new Deadline(options.timeoutMs),
        'delete the client',
      );
      // RFC 7592 §2: a server that no longer knows the client answers 401 (and revokes the token).
      if (response.status === 204 || response.status === 200 || response.status === 401 || response.status === 404) return;
      throw idpFailure(response, 'delete the client', IDP_NAME);
    },
    async refreshSecret() {
      throw new Conflict('RFC 7591/7592 define no secret rotation: delete the application and create a new one');
    },
    listClients: async () => null,
    async verify() {
      try {
        await registrationEndpoint(new Deadline(options.timeoutMs));
        return [];
      } catch (error) {
        const idpError = error instanceof IdpError ? error.extras.idp_error : undefined;
        return [idpError ? `${idpError.error}: ${idpError.error_description}` : (error as Error).message];
      }
    },
  };
}

export const openIdConnect: DriverDefinition = {
  configSchema: Type.Object({ initial_access_token: Type.Optional(Type.String({ minLength: 1 })) }, { additionalProperties: false }),
  secretFields: ['initial_access_token'],
  urlFields: [],
  create: openIdConnectDriver,
};

