/**
 * The plugin's configuration as Kong sees it: an array of one-key field maps, Kong's schema types and attributes.
 * Kong validates these before it ever starts an instance; config.ts re-checks what Kong's schema language cannot
 * express (https-only URLs, defaults derived from the issuer).
 */
import type { SchemaFields } from '../kong-schema';

export const AUTH_METHODS = ['bearer', 'client_credentials'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];
/** How a Kong consumer is found (Kong openid-connect's names). No custom_id: Kong's PDK can load a consumer only by
 * id or username (kong.client.load_consumer, kong/pdk/client.lua), and the plugin server reaches nothing else. */
export const CONSUMER_BY = ['username', 'id'] as const;
export type ConsumerBy = (typeof CONSUMER_BY)[number];

const stringArray = { type: 'array', elements: { type: 'string' } } as const;

export const Schema: SchemaFields = [
  {
    issuer: {
      type: 'string',
      required: true,
      referenceable: true,
      description: 'Okta custom authorization server, e.g. https://acme.okta.com/oauth2/default',
    },
  },
  { jwks_uri: { type: 'string', description: 'JWKS of the issuer; default {issuer}/v1/keys' } },
  { token_endpoint: { type: 'string', description: 'client_credentials exchange; default {issuer}/v1/token' } },
  {
    audiences: {
      ...stringArray,
      default: ['api://default'],
      description: "The token's aud must contain one of these",
    },
  },
  {
    scopes_required: {
      ...stringArray,
      default: [],
      description: 'All must be present in scp (array) or scope (space-separated)',
    },
  },
  {
    token_scopes: {
      ...stringArray,
      default: [],
      description: "Scopes requested when exchanging Basic credentials; none = the server's default scope",
    },
  },
  {
    auth_methods: {
      type: 'array',
      elements: { type: 'string', one_of: [...AUTH_METHODS] },
      default: [...AUTH_METHODS],
      description: 'Accepted credentials: bearer (an access token), client_credentials (Basic client_id:secret)',
    },
  },
  {
    credential_claim: {
      ...stringArray,
      default: ['client_id', 'cid'],
      description: 'The first of these claims present in the token is the client id',
    },
  },
  {
    leeway: {
      type: 'integer',
      default: 60,
      between: [0, 600],
      description: 'Seconds of clock skew allowed on exp, nbf and iat',
    },
  },
  {
    timeout_ms: {
      type: 'integer',
      default: 3000,
      between: [100, 30000],
      description: 'Total deadline of every call to the identity provider',
    },
  },
  {
    token_cache_ttl: {
      type: 'integer',
      default: 300,
      between: [0, 3600],
      description: 'Longest time an exchanged token is reused: bounds how long an old secret keeps working',
    },
  },
  {
    hide_credentials: {
      type: 'boolean',
      default: true,
      description: 'Remove the Authorization header before proxying',
    },
  },
  { realm: { type: 'string', default: 'kong', description: 'Realm of the WWW-Authenticate challenge' } },
  {
    sidecar_url: {
      type: 'string',
      referenceable: true,
      description: 'Base URL of the DCR sidecar; when set, every client id must belong to an approved application',
    },
  },
  {
    sidecar_token: {
      type: 'string',
      referenceable: true,
      description: 'Gateway token presented to the sidecar (SIDECAR_GATEWAY_TOKEN); required with sidecar_url',
    },
  },
  {
    sidecar_cache_ttl: {
      type: 'integer',
      default: 5,
      between: [1, 300],
      description: "Seconds an application lookup is reused: how long a deleted or revoked application still passes",
    },
  },
  {
    sidecar_stale_ttl: {
      type: 'integer',
      default: 300,
      between: [0, 86400],
      description: 'Seconds a cached lookup keeps serving while the sidecar cannot be reached',
    },
  },
  {
    consumer_claim: {
      ...stringArray,
      description: 'When set, the first of these claims present names a Kong consumer, which must exist (403 otherwise)',
    },
  },
  {
    consumer_by: {
      type: 'array',
      elements: { type: 'string', one_of: [...CONSUMER_BY] },
      default: ['username'],
      description: "Which consumer field the consumer_claim's value is matched against: username, id",
    },
  },
  {
    consumer_cache_ttl: {
      type: 'integer',
      default: 60,
      between: [0, 3600],
      description: 'Seconds a consumer lookup (found or not) is reused per claim value',
    },
  },
];
