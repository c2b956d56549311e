// Okta's Dynamic Client Registration API (/oauth2/v1/clients): routing, Okta's error shapes, its paging and its
// per-minute rate limit. The token endpoint reads the same store (see provider.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';

import { type ClientMetadata, fail, MetadataError, validateMetadata } from './client-metadata';
import type { ClientStore, IssuedClient, StoredClient } from './client-store';
import { BodyError, type Headers, hasApiToken, INVALID_TOKEN, oktaError, PATH_NOT_FOUND, readJson, sendJson } from './http';
import type { RateLimiter } from './rate-limiter';

export const CLIENTS_PATH = '/oauth2/v1/clients';

const invalidClient = {
  error: 'invalid_client',
  error_description: "Invalid value for 'client_id' parameter.",
};

const presentIssued = ({ client, secret }: IssuedClient, orgUrl: string) => present(client, orgUrl, secret);

/** What every DCR answer shows of a client; the secret only on create and newSecret, as Okta does. */
function present(client: StoredClient, orgUrl: string, secret?: string) {
  return {
    client_id: client.client_id,
    client_id_issued_at: client.client_id_issued_at,
    ...(secret === undefined ? {} : { client_secret: secret }),
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
      withMetadata((metadata) => send(201, presentIssued(api.store.create(metadata), api.orgUrl)));
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
    send(200, presentIssued(api.store.rotateSecret(client), api.orgUrl));
    return;
  }
  if (action.length > 0) {
    send(404, PATH_NOT_FOUND(url.pathname));
    return;
  }

  switch (method) {
    case 'GET':
      if (!client) return send(401, invalidClient);
      return send(200, present(client, api.orgUrl));
    case 'PUT':
      if (!client) return send(401, invalidClient);
      return withMetadata((metadata) => {
        const given = (body as { client_id?: unknown }).client_id;
        if (given !== undefined && given !== clientId) fail('client_id', 'The field does not match the client being replaced');
        if (metadata.application_type !== client.metadata.application_type) {
          fail('application_type', 'The field cannot be changed after creation');
        }
        send(200, present(api.store.replace(client, metadata), api.orgUrl));
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

  send(200, page.map((c) => present(c, api.orgUrl)), { Link: links.join(', ') });
}
