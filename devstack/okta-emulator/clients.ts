// Okta's Dynamic Client Registration API (/oauth2/v1/clients): the client store, Okta's validation and error shapes,
// its paging, and its per-minute rate limit. The token endpoint reads the same store (see provider.ts).
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import {
  BodyError,
  type Headers,
  hasApiToken,
  INVALID_TOKEN,
  oktaError,
  PATH_NOT_FOUND,
  randomAlnum,
  readJson,
  sendJson,
} from './http';

export const CLIENTS_PATH = '/oauth2/v1/clients';

const APPLICATION_TYPES = ['web', 'native', 'browser', 'service'] as const;
const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'];
const GRANT_TYPES = [
  'authorization_code',
  'implicit',
  'password',
  'refresh_token',
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:device_code',
  'urn:ietf:params:oauth:grant-type:token-exchange',
];
const RESPONSE_TYPES = ['code', 'token', 'id_token'];
const URI_FIELDS = ['client_uri', 'logo_uri', 'policy_uri', 'tos_uri', 'initiate_login_uri', 'jwks_uri'] as const;
const URI_LIST_FIELDS = ['redirect_uris', 'post_logout_redirect_uris'] as const;

/** The client metadata Okta echoes back. Fields it does not know are ignored, as Okta does. */
export interface ClientMetadata {
  client_name: string;
  application_type: (typeof APPLICATION_TYPES)[number];
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: string;
  redirect_uris?: string[];
  post_logout_redirect_uris?: string[];
  client_uri?: string;
  logo_uri?: string;
  policy_uri?: string;
  tos_uri?: string;
  initiate_login_uri?: string;
  jwks_uri?: string;
  jwks?: { keys: unknown[] };
}

export interface StoredClient {
  client_id: string;
  /** Absent for token_endpoint_auth_method none. */
  client_secret?: string;
  client_id_issued_at: number;
  metadata: ClientMetadata;
}

class MetadataError extends Error {}

const fail = (field: string, message: string): never => {
  throw new MetadataError(`${field}: ${message}`);
};

const isAbsoluteUri = (value: unknown): value is string => typeof value === 'string' && URL.canParse(value);

function stringList(body: Record<string, unknown>, field: string, allowed?: string[]): string[] | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) fail(field, 'The field must be an array of strings');
  const bad = allowed && (value as string[]).find((v) => !allowed.includes(v));
  if (bad !== undefined) fail(field, `'${bad}' is not a valid value`);
  return value as string[];
}

/** Validates a POST or PUT body the way Okta does: the first problem answers 400, naming its field. */
export function validateMetadata(body: unknown): ClientMetadata {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new MetadataError('client_name: The field cannot be left blank');
  }
  const b = body as Record<string, unknown>;

  if (b.client_name !== undefined && typeof b.client_name !== 'string') fail('client_name', 'The field must be a string');
  const clientName = typeof b.client_name === 'string' ? b.client_name.trim() : '';
  if (!clientName) fail('client_name', 'The field cannot be left blank');

  const applicationType = (b.application_type ?? 'web') as ClientMetadata['application_type'];
  if (!APPLICATION_TYPES.includes(applicationType)) {
    fail('application_type', `'${String(b.application_type)}' is not one of ${APPLICATION_TYPES.join(', ')}`);
  }
  const service = applicationType === 'service';

  const grantTypes = stringList(b, 'grant_types', GRANT_TYPES) ?? (service ? ['client_credentials'] : ['authorization_code']);
  if (!grantTypes.length) fail('grant_types', 'The field cannot be left blank');
  if (service && grantTypes.some((g) => g !== 'client_credentials')) {
    fail('grant_types', 'Service applications only support the client_credentials grant type');
  }

  const responseTypes = stringList(b, 'response_types', RESPONSE_TYPES) ?? (service ? ['token'] : ['code']);

  const authMethod = b.token_endpoint_auth_method ?? 'client_secret_basic';
  if (typeof authMethod !== 'string' || !AUTH_METHODS.includes(authMethod)) {
    fail('token_endpoint_auth_method', `'${String(authMethod)}' is not a valid value`);
  }
  if (service && authMethod === 'none') {
    fail('token_endpoint_auth_method', 'Service applications must authenticate, none is not allowed');
  }

  const metadata: ClientMetadata = {
    client_name: clientName,
    application_type: applicationType,
    grant_types: grantTypes,
    response_types: responseTypes,
    token_endpoint_auth_method: authMethod as string,
  };

  for (const field of URI_LIST_FIELDS) {
    const list = stringList(b, field);
    const bad = list?.find((u) => !isAbsoluteUri(u));
    if (bad !== undefined) fail(field, `'${bad}' is not a valid URI`);
    if (list) metadata[field] = list;
  }
  if ((grantTypes.includes('authorization_code') || grantTypes.includes('implicit')) && !metadata.redirect_uris?.length) {
    fail('redirect_uris', 'The field cannot be left blank for the authorization_code and implicit grant types');
  }
  for (const field of URI_FIELDS) {
    const value = b[field];
    if (value === undefined || value === null) continue;
    if (!isAbsoluteUri(value)) fail(field, `'${String(value)}' is not a valid URI`);
    metadata[field] = value as string;
  }
  if (b.jwks !== undefined && b.jwks !== null) {
    const jwks = b.jwks as { keys?: unknown };
    if (typeof jwks !== 'object' || !Array.isArray(jwks.keys)) fail('jwks', 'The field must be an object with a keys array');
    metadata.jwks = { keys: jwks.keys as unknown[] };
  }
  return metadata;
}

export class ClientStore {
  /** Insertion order is the listing order. */
  private readonly clients = new Map<string, StoredClient>();

  get(clientId: string): StoredClient | undefined {
    return this.clients.get(clientId);
  }

  list(): StoredClient[] {
    return [...this.clients.values()];
  }

  create(metadata: ClientMetadata): StoredClient {
    let clientId: string;
    do clientId = `0oa${randomAlnum(17)}`;
    while (this.clients.has(clientId));
    const client: StoredClient = {
      client_id: clientId,
      client_id_issued_at: Math.floor(Date.now() / 1000),
      metadata,
      ...(metadata.token_endpoint_auth_method === 'none' ? {} : { client_secret: newSecret() }),
    };
    this.clients.set(clientId, client);
    return client;
  }

  /** Full replace of the metadata; the id, issue time and secret stay. */
  replace(client: StoredClient, metadata: ClientMetadata): StoredClient {
    const replaced = { ...client, metadata };
    this.clients.set(client.client_id, replaced);
    return replaced;
  }

  /** The old secret stops working at once (Okta does not document otherwise). */
  rotateSecret(client: StoredClient): StoredClient {
    const rotated = { ...client, client_secret: newSecret() };
    this.clients.set(client.client_id, rotated);
    return rotated;
  }

  delete(clientId: string): boolean {
    return this.clients.delete(clientId);
  }
}

/** 64 characters over base64url, the length and alphabet of Okta's current client secrets. */
function newSecret(): string {
  return randomBytes(48).toString('base64url');
}

/** Okta's fixed per-minute windows on the DCR endpoints; 0 turns the limit (and its headers) off. */
export class RateLimiter {
  private windowStart = 0;
  private used = 0;

  constructor(readonly limit: number) {}

  /** Counts one request; returns its headers and whether it is over the limit. */
  hit(now = Date.now()): { limited: boolean; headers: Headers } {
    if (this.limit <= 0) return { limited: false, headers: {} };
    if (now - this.windowStart >= 60_000) {
      this.windowStart = now;
      this.used = 0;
    }
    this.used += 1;
    return {
      limited: this.used > this.limit,
      headers: {
        'X-Rate-Limit-Limit': this.limit,
        'X-Rate-Limit-Remaining': Math.max(0, this.limit - this.used),
        'X-Rate-Limit-Reset': Math.ceil((this.windowStart + 60_000) / 1000),
      },
    };
  }
}

const invalidClient = {
  error: 'invalid_client',
  error_description: "Invalid value for 'client_id' parameter.",
};

/** What every DCR answer shows of a client; the secret only on create and newSecret, as Okta does. */
function present(client: StoredClient, orgUrl: string, withSecret: boolean) {
  return {
    client_id: client.client_id,
    client_id_issued_at: client.client_id_issued_at,
    ...(withSecret && client.client_secret !== undefined ? { client_secret: client.client_secret } : {}),
    client_secret_expires_at: 0,
    ...client.metadata,
    _links: { app: { href: `${orgUrl}/api/v1/apps/${client.client_id}` } },
  };
}

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 200;

export interface DcrApi {
  store: ClientStore;
  limiter: RateLimiter;
  apiToken: string;
  orgUrl: string;
}

/** Answers one request under /oauth2/v1/clients. */
export async function handleDcr(api: DcrApi, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const { limited, headers } = api.limiter.hit();
  const send = (status: number, body?: unknown, extra: Headers = {}) => sendJson(res, status, body, { ...headers, ...extra });

  if (limited) {
    send(429, oktaError('E0000047', 'API call exceeded rate limit due to too many requests.'));
    return;
  }
  if (!hasApiToken(req, api.apiToken)) {
    send(401, INVALID_TOKEN());
    return;
  }

  let rest: string[];
  try {
    rest = url.pathname.slice(CLIENTS_PATH.length).split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    send(404, PATH_NOT_FOUND(url.pathname));
    return;
  }
  const method = req.method ?? 'GET';
  const notAllowed = () => send(405, oktaError('E0000022', 'The endpoint does not support the provided HTTP method'));

  let body: unknown;
  if ((rest.length === 0 && method === 'POST') || (rest.length === 1 && method === 'PUT')) {
    try {
      body = await readJson(req);
    } catch (err) {
      if (!(err instanceof BodyError)) throw err;
      send(400, oktaError('E0000003', 'The request body was not well-formed.'));
      return;
    }
  }
  const withMetadata = (then: (metadata: ClientMetadata) => void) => {
    try {
      then(validateMetadata(body));
    } catch (err) {
      if (!(err instanceof MetadataError)) throw err;
      send(400, { error: 'invalid_client_metadata', error_description: err.message });
    }
  };

  if (rest.length === 0) {
    if (method === 'POST') {
      withMetadata((metadata) => send(201, present(api.store.create(metadata), api.orgUrl, true)));
      return;
    }
    if (method === 'GET') {
      listClients(api, url, send);
      return;
    }
    notAllowed();
    return;
  }

  const [clientId, ...action] = rest as [string, ...string[]];
  const client = api.store.get(clientId);

  if (action.length === 2 && action[0] === 'lifecycle' && action[1] === 'newSecret') {
    if (method !== 'POST') return notAllowed();
    if (!client) {
      send(404, oktaError('E0000007', `Not found: Resource not found: ${clientId} (OAuth2Client)`));
      return;
    }
    send(200, present(api.store.rotateSecret(client), api.orgUrl, true));
    return;
  }
  if (action.length > 0) {
    send(404, PATH_NOT_FOUND(url.pathname));
    return;
  }

  switch (method) {
    case 'GET':
      if (!client) return send(401, invalidClient);
      return send(200, present(client, api.orgUrl, false));
    case 'PUT':
      if (!client) return send(401, invalidClient);
      return withMetadata((metadata) => {
        const given = (body as { client_id?: unknown }).client_id;
        if (given !== undefined && given !== clientId) fail('client_id', 'The field does not match the client being replaced');
        if (metadata.application_type !== client.metadata.application_type) {
          fail('application_type', 'The field cannot be changed after creation');
        }
        send(200, present(api.store.replace(client, metadata), api.orgUrl, false));
      });
    case 'DELETE':
      if (!api.store.delete(clientId)) return send(401, invalidClient);
      return send(204);
    default:
      return notAllowed();
  }
}

function listClients(api: DcrApi, url: URL, send: (status: number, body?: unknown, extra?: Headers) => void): void {
  const params = url.searchParams;
  const rawLimit = params.get('limit');
  const limit = rawLimit === null ? DEFAULT_LIMIT : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1) {
    send(400, oktaError('E0000001', 'Api validation failed: limit'));
    return;
  }
  const pageSize = Math.min(limit, MAX_LIMIT);
  const q = params.get('q')?.toLowerCase();
  const after = params.get('after');

  let matching = api.store.list();
  if (q) matching = matching.filter((c) => c.metadata.client_name.toLowerCase().startsWith(q));
  if (after) {
    const position = matching.findIndex((c) => c.client_id === after);
    matching = position < 0 ? [] : matching.slice(position + 1);
  }
  const page = matching.slice(0, pageSize);

  const link = (cursor?: string) => {
    const next = new URLSearchParams();
    if (q) next.set('q', params.get('q')!);
    if (cursor) next.set('after', cursor);
    next.set('limit', String(pageSize));
    return `${api.orgUrl}${CLIENTS_PATH}?${next}`;
  };
  const links = [`<${link(after ?? undefined)}>; rel="self"`];
  if (matching.length > pageSize) links.push(`<${link(page[page.length - 1]!.client_id)}>; rel="next"`);

  send(200, page.map((c) => present(c, api.orgUrl, false)), { Link: links.join(', ') });
}
