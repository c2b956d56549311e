import http = require('node:http');
import https = require('node:https');
import type { ServiceEntity } from './entities';
import { gatewayResponseHeaders, KONG_MESSAGES, sendGatewayResponse } from './responses';
import { endToEndHeaders } from './upstream-headers';

class UpstreamTimeout extends Error {}

export interface ProxyTarget {
  service: ServiceEntity;
  /** Upstream path and query. */
  path: string;
  headers: http.OutgoingHttpHeaders;
  /** Headers plugins set on the response (kong.response.set_header). */
  responseHeaders: http.OutgoingHttpHeaders;
  requestId: string;
}

/** Kong's timeouts: connect_timeout until connected, then read/write_timeout as the idle limit of the connection. */
function applyTimeouts(upstream: http.ClientRequest, service: ServiceEntity): void {
  upstream.on('socket', (socket) => {
    const connectTimer = setTimeout(() => upstream.destroy(new UpstreamTimeout()), service.connect_timeout);
    socket.once('connect', () => clearTimeout(connectTimer));
    socket.once('close', () => clearTimeout(connectTimer));
  });
  upstream.setTimeout(Math.min(service.read_timeout, service.write_timeout), () => upstream.destroy(new UpstreamTimeout()));
}

/**
 * Streams the request to the service and its response back. Resolves with the status sent: the upstream's, or
 * Kong's 502 (unreachable, reset, invalid answer) / 504 (timed out) when nothing was sent yet.
 */
export function proxyRequest(incoming: http.IncomingMessage, outgoing: http.ServerResponse, target: ProxyTarget): Promise<number> {
  const { service } = target;
  const transport = service.protocol === 'https' ? https : http;
  return new Promise((resolve) => {
    const upstream = transport.request({
      host: service.host,
      port: service.port,
      method: incoming.method,
      path: target.path,
      headers: target.headers,
      agent: false,
    });
    applyTimeouts(upstream, service);
    upstream.on('response', (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, {
        ...endToEndHeaders(answer.headers),
        ...target.responseHeaders,
        ...gatewayResponseHeaders(target.requestId, answer.headers.via),
      });
      answer.pipe(outgoing);
      answer.on('error', () => outgoing.destroy());
      resolve(answer.statusCode ?? 502);
    });
    upstream.on('error', (err) => {
      if (outgoing.headersSent) {
        outgoing.destroy(); // mid-stream: the client sees the connection cut, as with Kong
        return;
      }
      const [status, message] = err instanceof UpstreamTimeout ? [504, KONG_MESSAGES.upstreamTimeout] : [502, KONG_MESSAGES.badUpstream];
      sendGatewayResponse(outgoing, status, { message }, { ...target.responseHeaders, ...gatewayResponseHeaders(target.requestId) });
      resolve(status);
    });
    outgoing.on('close', () => {
      if (!outgoing.writableFinished) upstream.destroy(); // the client went away
    });
    incoming.on('error', () => upstream.destroy());
    incoming.pipe(upstream);
  });
}
