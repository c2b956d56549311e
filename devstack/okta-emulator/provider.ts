// oidc-provider configured to answer /v1/token and discovery as Okta's custom authorization server "default" does.
import { Provider, errors, type KoaContextWithOIDC } from 'oidc-provider';

import { type ClientStore, secretMatches, type StoredClient } from './client-store';
import type { SigningKey } from './keys';

/** Okta's default audience of the "default" custom authorization server. */
export const AUDIENCE = 'api://default';
export const ACCESS_TOKEN_TTL = 3600;

export interface ProviderOptions {
  issuer: string;
  registrationEndpoint: string;
  /** The first one is the default scope. */
  scopes: string[];
  clients: ClientStore;
  /** The key that signs access tokens. oidc-provider's keystore is fixed at construction, so a key rotation builds a
   * new Provider (it holds no state of its own: clients live in the ClientStore, JWT access tokens are not stored). */
  signingKey: SigningKey;
}

/**
 * The client as oidc-provider sees it: only what the client_credentials grant needs. A client without a secret
 * (token_endpoint_auth_method none) cannot authenticate at /v1/token, so oidc-provider does not see it at all:
 * invalid_client.
 */
function providerClient(client: StoredClient) {
  if (client.client_secret_hash === undefined) return undefined;
  return {
    client_id: client.client_id,
    // Only a digest is kept: compareClientSecret (below) checks a presented secret against it.
    client_secret: client.client_secret_hash,
    // oidc-provider accepts client_secret_basic and client_secret_post interchangeably for a secret client.
    token_endpoint_auth_method: 'client_secret_basic',
    // Without client_credentials oidc-provider answers 400 "requested grant type is not allowed for this client".
    grant_types: client.metadata.grant_types.includes('client_credentials') ? ['client_credentials'] : [],
    response_types: [],
    redirect_uris: [],
  };
}

/**
 * oidc-provider's storage. Clients come from the DCR store on every lookup, so a client registered, replaced,
 * given a new secret or deleted through the DCR API takes effect at /v1/token immediately. Nothing else is stored:
 * JWT access tokens never are, and the flows that store grants, codes or sessions are not served.
 */
function adapterFactory(clients: ClientStore) {
  const nothing = async () => undefined;
  return (model: string) => ({
    async find(id: string) {
      const client = model === 'Client' ? clients.get(id) : undefined;
      return client && providerClient(client);
    },
    upsert: nothing,
    destroy: nothing,
    consume: nothing,
    findByUid: nothing,
    findByUserCode: nothing,
    revokeByGrantId: nothing,
  });
}

/**
 * Okta's scope rules at the token endpoint, applied where oidc-provider resolves the resource server for the
 * client_credentials grant (it reads `params.scope` right after): no scope requested means the default scope,
 * and a scope the authorization server does not define is invalid_scope (oidc-provider would silently drop it).
 */
function applyOktaScopes(ctx: KoaContextWithOIDC, scopes: string[]): void {
  const requested = (ctx.oidc.params.scope ?? '').split(' ').filter(Boolean);
  if (!requested.length) {
    ctx.oidc.params.scope = scopes[0];
    return;
  }
  if (requested.some((s) => !scopes.includes(s))) {
    // Okta's body names no scope: {"error":"invalid_scope","error_description":"One or more scopes ..."}.
    throw new errors.InvalidScope('One or more scopes are not configured for the authorization server resource.');
  }
}

interface StructuredToken {
  header?: Record<string, unknown>;
  payload: Record<string, unknown>;
}

/**
 * Reshapes oidc-provider's JWT access token into Okta's, through its supported hook (formats.customizers.jwt):
 * header {kid, alg} without typ (oidc-provider spreads this header over its own, so typ: undefined removes its
 * "at+jwt"), and Okta's claims in Okta's order: scp as an array instead of scope, cid, ver, and a client_id claim as
 * an admin's `app.clientId` claim would add. sub is already the client id for client_credentials.
 */
function oktaAccessToken(_ctx: unknown, _token: unknown, jwt: StructuredToken): void {
  const { jti, iss, aud, iat, exp, sub, client_id: clientId, scope } = jwt.payload;
  jwt.header = { typ: undefined };
  jwt.payload = {
    ver: 1,
    jti,
    iss,
    aud,
    iat,
    exp,
    cid: clientId,
    scp: typeof scope === 'string' ? scope.split(' ') : [],
    sub,
    client_id: clientId,
  };
}

export function buildProvider(options: ProviderOptions): Provider {
  const { issuer, scopes, signingKey } = options;
  const provider = new Provider(issuer, {
    adapter: adapterFactory(options.clients),
    jwks: { keys: [{ ...signingKey.privateKey.export({ format: 'jwk' }), kid: signingKey.kid, alg: 'RS256', use: 'sig' }] },
    scopes,
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    clientDefaults: {
      grant_types: ['client_credentials'],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    },
    routes: {
      authorization: '/v1/authorize',
      token: '/v1/token',
      jwks: '/v1/keys',
      userinfo: '/v1/userinfo',
      end_session: '/v1/logout',
      introspection: '/v1/introspect',
      revocation: '/v1/revoke',
    },
    features: {
      clientCredentials: { enabled: true },
      devInteractions: { enabled: false },
      // On by default in oidc-provider 9, not part of what the emulator stands in for.
      pushedAuthorizationRequests: { enabled: false },
      dPoP: { enabled: false },
      // oidc-provider refuses to introspect or revoke JWT access tokens, so these stay off rather than answer
      // unlike Okta.
      introspection: { enabled: false },
      revocation: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx: KoaContextWithOIDC, resource: string) => {
          if (resource !== AUDIENCE) throw new errors.InvalidTarget();
          applyOktaScopes(ctx, scopes);
          return {
            scope: scopes.join(' '),
            audience: AUDIENCE,
            accessTokenTTL: ACCESS_TOKEN_TTL,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    formats: { customizers: { jwt: oktaAccessToken } },
    ttl: { AccessToken: ACCESS_TOKEN_TTL, ClientCredentials: ACCESS_TOKEN_TTL },
    clientBasedCORS: () => false,
    discovery: { registration_endpoint: options.registrationEndpoint },
  });
  // oidc-provider's place for secrets kept hashed (its maintainer's advice in panva/node-oidc-provider#631): the
  // Client prototype's compareClientSecret. Sound here because nothing uses the secret as a key (no client_secret_jwt,
  // no HS* or symmetric encryption: only client_secret_basic and client_secret_post are enabled).
  provider.Client.prototype.compareClientSecret = function compareClientSecret(this: { clientSecret: string }, presented: unknown) {
    return Promise.resolve(secretMatches(presented, this.clientSecret));
  };
  provider.on('server_error', (_ctx, err) => console.error('okta-emulator: oidc-provider server_error', err));
  return provider;
}
