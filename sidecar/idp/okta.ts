import { Type } from '@sinclair/typebox';
import type { AxiosResponse } from 'axios';
import { IdpError, type IdpErrorBody, idpFailure, oauthError } from './errors';
import { Deadline, callIdp, idpHttpClient } from './http-call';
import type { DriverDefinition, IdpClient, IdpDriver, ProviderSettings, DriverOptions } from './types';

/** Okta's two error shapes (the Management API's and OAuth's), as { error, error_description }. */
function oktaError(response: AxiosResponse): IdpErrorBody {
  const body = (response.data ?? {}) as Record<string, unknown>;
  if (typeof body.errorCode === 'string') {
    return { error: body.errorCode, error_description: String(body.errorSummary ?? '') };
  }
  return oauthError(response, 'Okta');
}

const failure = (response: AxiosResponse, what: string) => idpFailure(response, what, 'Okta', oktaError(response));

/** Okta answers an unknown client with 401 invalid_client (GET/DELETE) or 404 E0000007 (newSecret). */
function isUnknownClient(response: AxiosResponse): boolean {
  const { error } = oktaError(response);
  return (response.status === 401 && error === 'invalid_client') || (response.status === 404 && error === 'E0000007');
}

/** The `rel="next"` URL of a Link header, for paging; only on the same origin (it receives our API token). */
function nextLink(response: AxiosResponse, origin: string): string | undefined {
  const next = /<([^>]+)>\s*;\s*rel="next"/.exec(String(response.headers.link ?? ''))?.[1];
  return next && new URL(next).origin === origin ? next : undefined;
}

function oktaDriver(settings: ProviderSettings, options: DriverOptions): IdpDriver {
  // The DCR API is org-wide (`https://{org}.okta.com/oauth2/v1/clients`) whatever the custom server.
  const { origin } = new URL(settings.issuer);
  const clientsUrl = `${origin}/oauth2/v1/clients`;
  const http = idpHttpClient(clientsUrl, { authorization: `SSWS ${settings.dcr_secrets.dcr_token}` });
  const call = (what: string, request: Parameters<typeof http.request>[0]) =>
    callIdp(http, request, new Deadline(options.timeoutMs), what);

  return {
    async register({ clientName, redirectUris }) {
      const response = await call('register the client', {
        method: 'POST',
        url: '',
        data: {
          client_name: clientName,
          application_type: 'service',
          grant_types: ['client_credentials'],
          response_types: ['token'],
          token_endpoint_auth_method: 'client_secret_basic',
          redirect_uris: redirectUris,
        },
      });
      if (response.status !== 201 && response.status !== 200) throw failure(response, 'register the client');
      return { clientId: response.data.client_id, clientSecret: response.data.client_secret, managementSecrets: null };
    },
    async deleteClient(clientId) {
      const response = await call('delete the client', { method: 'DELETE', url: `/${encodeURIComponent(clientId)}` });
      if (response.status === 204 || response.status === 200 || isUnknownClient(response)) return;
      throw failure(response, 'delete the client');
    },
    async refreshSecret(clientId) {
      const url = `/${encodeURIComponent(clientId)}/lifecycle/newSecret`;
      const response = await call('issue a new secret', { method: 'POST', url });
      if (response.status !== 200) {
        if (isUnknownClient(response)) throw new IdpError('not_found', `Okta does not know client ${clientId}`, oktaError(response));
        throw failure(response, 'issue a new secret');
      }
      return { clientSecret: response.data.client_secret, managementSecrets: null };
    },
    async listClients(namePrefix) {
      const clients: IdpClient[] = [];
      const deadline = new Deadline(options.timeoutMs);
      let request: { url: string; params?: Record<string, string | number> } = { url: '', params: { q: namePrefix, limit: 200 } };
      for (;;) {
        const response = await callIdp(http, { method: 'GET', ...request }, deadline, 'list clients');
        if (response.status !== 200) throw failure(response, 'list clients');
        for (const c of response.data as { client_id: string; client_name: string; client_id_issued_at?: number }[]) {
          // Okta's q is a prefix match already; checking again means a looser server never widens what we touch.
          if (c.client_name.startsWith(namePrefix)) {
            clients.push({ clientId: c.client_id, clientName: c.client_name, issuedAt: c.client_id_issued_at });
          }
        }
        const next = nextLink(response, origin);
        if (!next) return clients;
        request = { url: next };
      }
    },
    async verify() {
      try {
        const response = await call('list clients', { method: 'GET', url: '', params: { limit: 1 } });
        if (response.status === 200) return [];
        const { error, error_description } = oktaError(response);
        return [`${error}: ${error_description}`];
      } catch (error) {
        return [(error as Error).message];
      }
    },
  };
}

export const okta: DriverDefinition = {
  configSchema: Type.Object({ dcr_token: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  secretFields: ['dcr_token'],
  urlFields: [],
  create: oktaDriver,
};
