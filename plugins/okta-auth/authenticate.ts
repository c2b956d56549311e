import { applicationFor, checkApplication } from './applications';
import type { OktaAuthConfig, SidecarConfig } from './config';
import { AuthFailure } from './errors';
import { accessTokenFor } from './exchange';
import { extractCredentials, type BasicCredentials } from './extract';
import type { HeaderMap } from './pdk';
import type { Identity } from './upstream';
import { verifyAccessToken, type MaybeAsync, type VerifiedToken } from './verify';

async function fromBasic(credentials: BasicCredentials, config: OktaAuthConfig): Promise<VerifiedToken> {
  const exchanged = await accessTokenFor(credentials, config);
  let verified: VerifiedToken;
  try {
    verified = await verifyAccessToken(exchanged.accessToken, config);
  } catch (err) {
    // Only a token that no longer verifies is replaced: a missing scope or an unreachable key set would fail the
    // same way with a new token, and each replacement spends an exchange at the IdP.
    if (err instanceof AuthFailure && err.code === 'invalid_token') exchanged.forget();
    throw err;
  }
  if (verified.clientId !== credentials.clientId) {
    exchanged.forget();
    throw new AuthFailure('invalid_token', 'the exchanged token belongs to another client');
  }
  return verified;
}

// The most frequent refusal, one object for all (an Error per refusal costs more than the rest of it).
const NO_CREDENTIALS = new AuthFailure('no_credentials', 'no credentials');

function verifiedIdentity(headers: HeaderMap, config: OktaAuthConfig): MaybeAsync<VerifiedToken> {
  const credentials = extractCredentials(headers);
  if (!credentials) throw NO_CREDENTIALS;
  if (credentials.kind === 'bearer') {
    if (!config.authMethods.has('bearer')) throw new AuthFailure('invalid_request', 'bearer tokens are not accepted');
    return verifyAccessToken(credentials.token, config);
  }
  if (!config.authMethods.has('client_credentials')) {
    throw new AuthFailure('invalid_request', 'client credentials are not accepted');
  }
  return fromBasic(credentials, config);
}

/** Who is calling, and the claims of the token that says so. */
export type Authenticated = Identity & { claims: Record<string, unknown> };

async function withApplication(
  verified: MaybeAsync<VerifiedToken>,
  sidecar: SidecarConfig,
  timeoutMs: number,
  serviceName: () => Promise<string | undefined>,
): Promise<Authenticated> {
  const { clientId, scopes, claims } = await verified;
  const mapping = await applicationFor(clientId, sidecar, timeoutMs);
  return { clientId, scopes, claims, application: checkApplication(mapping, await serviceName()) };
}

/**
 * Decides who is calling, from the request's headers (and, with a sidecar, the request's service): returns the
 * identity, or throws an AuthFailure. It never responds; the handler does. Synchronous while nothing needs
 * fetching, so a refusal is thrown at once rather than through a chain of rejected promises.
 */
export function authenticate(
  headers: HeaderMap,
  config: OktaAuthConfig,
  serviceName: () => Promise<string | undefined>,
): MaybeAsync<Authenticated> {
  const verified = verifiedIdentity(headers, config);
  return config.sidecar ? withApplication(verified, config.sidecar, config.timeoutMs, serviceName) : verified;
}
