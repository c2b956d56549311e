import { randomBytes } from 'node:crypto';
import fs = require('node:fs');
import http = require('node:http');
import path = require('node:path');
import { KongPluginServerClient, type ConsumerEntity } from '../kong-rpc';
import { listenOn } from '../listen-port';
import { runAccessPhase, type PluginServerFailureMode } from './access-phase';
import { loadDeclarativeConfig } from './declarative-config';
import type { GatewayEntities } from './entities';
import { PluginChain } from './plugin-chain';
import { proxyRequest } from './proxy';
import { normalizePath, upstreamPath } from './request-path';
import { DEV_GATEWAY_NAME, gatewayResponseHeaders, KONG_MESSAGES, sendGatewayResponse } from './responses';
import { Router } from './router';
import { upstreamRequestHeaders } from './upstream-headers';

export interface DevGatewayOptions {
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** A Kong 3.x declarative file. Default: kong.yml at the repository root. */
  declarativeConfigPath?: string;
  /** The plugin server's socket (e.g. `<prefix>/js_pluginserver.sock`). */
  pluginServerSocket: string;
  /** Where `{vault://env/...}` references are read. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** One line per request, plugin log and failure. Default: stderr. */
  log?: (line: string) => void;
  /**
   * A plugin-server call failing mid-request: `kong` (default) logs it and goes on, as Kong 3.9 does (kong.yml's
   * post-function guard then refuses the request); `refuse` answers 500 without proxying.
   */
  onPluginServerFailure?: PluginServerFailureMode;
}

export interface DevGateway {
  url: string;
  port: number;
  close(): Promise<void>;
}

interface Gateway {
  router: Router;
  chain: PluginChain;
  port: number;
  log: (line: string) => void;
  onPluginServerFailure: PluginServerFailureMode;
  consumers: ConsumerEntity[];
}

/** kong.yml at the repository root: the nearest one above this file, in the sources or in dist/. */
function repositoryKongYml(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'kong.yml')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'kong.yml');
}

function banner(url: string, file: string, entities: GatewayEntities): string {
  const routes = entities.routes.map((route) => `${route.name ?? route.id} ${(route.paths ?? ['(any path)']).join(' ')}`).join(', ');
  return (
    `dev gateway listening on ${url}: a stand-in for Kong in development, NOT Kong. ` +
    `It reads ${file} (routes: ${routes || 'none'}) and runs plugins through the real plugin server.`
  );
}

const withQuery = (path: string, rawQuery: string): string => (rawQuery ? `${path}?${rawQuery}` : path);

async function handle(gateway: Gateway, incoming: http.IncomingMessage, outgoing: http.ServerResponse, requestId: string): Promise<number> {
  const [rawPath, ...query] = (incoming.url ?? '/').split('?');
  const rawQuery = query.join('?');
  const requestPath = normalizePath(rawPath);
  const method = incoming.method ?? 'GET';
  const host = (incoming.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  const match = gateway.router.match({ method, host, port: gateway.port, path: requestPath });
  const ours = gatewayResponseHeaders(requestId);
  if (!match) return reply(outgoing, 404, { message: KONG_MESSAGES.noRoute }, ours);
  const { route, service, matched } = match;
  if (!route.protocols.includes('http')) return reply(outgoing, route.https_redirect_status_code, { message: KONG_MESSAGES.httpsRequired }, ours);

  const access = await runAccessPhase(
    gateway.chain.forRoute(route),
    {
      method,
      path: withQuery(requestPath, rawQuery),
      headers: incoming.headersDistinct as Record<string, string[]>,
      scheme: 'http',
      host,
      port: gateway.port,
      ip: incoming.socket.remoteAddress ?? '127.0.0.1',
      route: { ...route },
      service: { ...service },
      consumers: gateway.consumers,
    },
    gateway.log,
    gateway.onPluginServerFailure,
  );
  if (access.kind === 'rpc-failure') {
    gateway.log(`request ${requestId}: plugin ${access.plugin} failed on the plugin server, not proxied: ${access.message}`);
    return reply(outgoing, 500, { message: KONG_MESSAGES.unexpected }, ours);
  }
  if (access.kind === 'exit') return reply(outgoing, access.exit.status, access.exit.body, { ...access.exit.headers, ...ours });

  const stripped = route.strip_path && matched !== undefined ? matched : undefined;
  const targetPath = upstreamPath({ path: requestPath, matched, stripPath: route.strip_path, servicePath: service.path });
  return proxyRequest(incoming, outgoing, {
    service,
    path: withQuery(targetPath, rawQuery),
    headers: upstreamRequestHeaders(access.upstreamHeaders, {
      incoming,
      service,
      preserveHost: route.preserve_host,
      path: requestPath,
      strippedPrefix: stripped,
      gatewayPort: gateway.port,
      requestId,
    }),
    responseHeaders: access.responseHeaders,
    requestId,
  });
}

function reply(outgoing: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders): number {
  sendGatewayResponse(outgoing, status, body, headers);
  return status;
}

/**
 * Starts the dev gateway: Kong's proxy for what kong.yml uses (services, routes, plugins, env vault references),
 * running each matched request's plugins through the real plugin server, then proxying to the service.
 * Start-up fails with a clear message on a bad kong.yml, a missing environment variable, a plugin the plugin
 * server does not serve, an unreachable plugin server, or a port in use (PortInUseError).
 *
 * @example
 * const gateway = await startDevGateway({ port: 8000, pluginServerSocket: '/tmp/kong/js_pluginserver.sock' });
 * // curl -i http://127.0.0.1:8000/demo -> 401 from okta-auth
 * await gateway.close();
 */
export async function startDevGateway(options: DevGatewayOptions): Promise<DevGateway> {
  const host = options.host ?? '127.0.0.1';
  const file = options.declarativeConfigPath ?? repositoryKongYml();
  const log = options.log ?? ((line: string) => process.stderr.write(`${DEV_GATEWAY_NAME}: ${line}\n`));
  const entities = loadDeclarativeConfig(file);
  const router = new Router(entities);

  let client: KongPluginServerClient;
  try {
    client = await KongPluginServerClient.connect({ socketPath: options.pluginServerSocket });
  } catch (err) {
    throw new Error(`dev gateway: cannot reach the plugin server at ${options.pluginServerSocket}: ${(err as Error).message}`);
  }
  const server = http.createServer();
  let chain: PluginChain | undefined;
  try {
    chain = await PluginChain.prepare(client, entities.plugins, { file, socketPath: options.pluginServerSocket, env: options.env ?? process.env });
    const port = await listenOn(server, 'dev gateway', options.port, host);
    const ready = chain;
    const gateway: Gateway = { router, chain: ready, port, log, onPluginServerFailure: options.onPluginServerFailure ?? 'kong', consumers: entities.consumers };
    server.on('request', (incoming: http.IncomingMessage, outgoing: http.ServerResponse) => {
      const requestId = randomBytes(16).toString('hex');
      handle(gateway, incoming, outgoing, requestId).then(
        (status) => log(`${incoming.method} ${incoming.url?.split('?')[0]} -> ${status} (request ${requestId})`),
        (err: Error) => {
          log(`request ${requestId} failed: ${err.stack ?? err.message}`);
          if (!outgoing.headersSent) sendGatewayResponse(outgoing, 500, { message: KONG_MESSAGES.unexpected }, gatewayResponseHeaders(requestId));
          else outgoing.destroy();
        },
      );
    });
    const url = `http://${host}:${port}`;
    log(banner(url, file, entities));
    return {
      url,
      port,
      close: () =>
        new Promise((resolve) => {
          server.close(() => {
            client.close();
            ready.close();
            resolve();
          });
          server.closeAllConnections();
        }),
    };
  } catch (err) {
    client.close();
    chain?.close();
    throw err;
  }
}
