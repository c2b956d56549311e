import { decodeJwt } from 'jose';
import { Deadline, callIdp, idpHttpClient } from './http-call';
import { IdpError, idpFailure } from './errors';

/**
 * One client_credentials request at the issuer's token endpoint (`{issuer}/v1/token`, Okta's, as the okta-auth
 * plugin uses by default), with the client's own credentials (HTTP Basic); the claims of the access token it
 * gets. Nothing of the secret is kept: it goes in this one request's header only.
 */
export async function clientCredentialsClaims(
  issuer: string,
  client: { id: string; secret: string },
  scopes: string[],
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  const http = idpHttpClient(issuer.replace(/\/+$/, ''), {});
  const form = new URLSearchParams({ grant_type: 'client_credentials', ...(scopes.length > 0 && { scope: scopes.join(' ') }) });
  const response = await callIdp(
    http,
    {
      method: 'POST',
      url: '/v1/token',
      data: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      // RFC 6749 2.3.1: both parts form-encoded before Basic.
      auth: { username: encodeURIComponent(client.id), password: encodeURIComponent(client.secret) },
    },
    new Deadline(timeoutMs),
    'issue a token to the client',
  );
  if (response.status !== 200) throw idpFailure(response, 'issue a token to the client', 'the token endpoint');
  const token = (response.data as { access_token?: unknown } | undefined)?.access_token;
  try {
    // The token comes straight from the issuer's endpoint over this connection: its claims are read, not verified.
    return decodeJwt(String(token));
  } catch {
    throw new IdpError('failed', 'the token endpoint answered without a JWT access token', {
      error: 'invalid_token_response',
      error_description: 'the access token is not a JWT',
    });
  }
}
