import { randomBytes } from 'node:crypto';
import fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';

/** A registered client as the bridge keeps it: the request it was made from, and its current secret. */
export interface BridgeClient {
  client_id: string;
  client_secret: string;
  request: Record<string, unknown>;
}

/**
 * A server that speaks Kong's HTTP DCR bridge protocol (Kong/konnect-portal-dcr-handler openapi.yaml):
 * X-API-KEY auth, `POST /` with the spec's required fields, `DELETE /{id}`, `POST /{id}/new-secret`,
 * errors as `{error, error_description}`.
 */
export async function startHttpDcrBridge(apiKey: string) {
  const clients = new Map<string, BridgeClient>();
  let failures: { status: number; times: number; body: unknown } | undefined;
  const app = fastify();
  const REQUIRED = ['redirect_uris', 'client_name', 'grant_types', 'token_endpoint_auth_method', 'application_description', 'portal_id', 'organization_id', 'developer_id'];

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.headers['x-api-key'] !== apiKey) {
      return reply.code(401).send({ error: 'unauthorized', error_description: 'invalid api key' });
    }
    if (failures && failures.times > 0) {
      failures.times -= 1;
      return reply.code(failures.status).send(failures.body);
    }
    return undefined;
  });
  app.post<{ Body: Record<string, unknown> }>('/', async (request, reply) => {
    const missing = REQUIRED.find((field) => request.body?.[field] === undefined);
    if (missing) return reply.code(400).send({ error: 'invalid_request', error_description: `${missing} is required` });
    const client = { client_id: `br_${randomBytes(8).toString('hex')}`, client_secret: randomBytes(24).toString('base64url'), request: request.body };
    clients.set(client.client_id, client);
    return reply.code(201).send({ client_id: client.client_id, client_secret: client.client_secret });
  });
  app.delete<{ Params: { id: string } }>('/:id', async (request, reply) => {
    if (!clients.delete(request.params.id)) return reply.code(404).send({ error: 'not_found', error_description: 'no such client' });
    return reply.code(204).send();
  });
  app.post<{ Params: { id: string } }>('/:id/new-secret', async (request, reply) => {
    const client = clients.get(request.params.id);
    if (!client) return reply.code(404).send({ error: 'not_found', error_description: 'no such client' });
    client.client_secret = randomBytes(24).toString('base64url');
    return { client_id: client.client_id, client_secret: client.client_secret };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    clients,
    /** The next `times` calls answer `status` with `body` (by default a bridge error). */
    fail(status: number, times = 1, body: unknown = { error: 'bridge_failure', error_description: 'the IdP behind the bridge failed' }) {
      failures = { status, times, body };
    },
    stop: () => app.close(),
  };
}

export type HttpDcrBridge = Awaited<ReturnType<typeof startHttpDcrBridge>>;
