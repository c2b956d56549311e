import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** How the dev gateway names itself wherever Kong would name itself: it is a stand-in, not Kong. */
export const DEV_GATEWAY_NAME = 'kong-okta-dcr-dev-gateway';

/** Kong's own error bodies for what the gateway itself answers. */
export const KONG_MESSAGES = {
  noRoute: 'no Route matched with those values',
  unexpected: 'An unexpected error occurred',
  badUpstream: 'An invalid response was received from the upstream server',
  upstreamTimeout: 'The upstream server is timing out',
  httpsRequired: 'Please use HTTPS protocol',
} as const;

/** On every response: who answered (Kong sends `Via: 1.1 kong/3.x` and `Server: kong/3.x`) and the request id. */
export function gatewayResponseHeaders(requestId: string, upstreamVia?: string | string[]): OutgoingHttpHeaders {
  const via = [upstreamVia ?? []].flat();
  return {
    via: [...via, `1.1 ${DEV_GATEWAY_NAME}`].join(', '),
    'x-dev-gateway': 'not-kong',
    'x-kong-request-id': requestId,
  };
}

/** A response produced by the gateway or a plugin's exit (no upstream involved). */
export function sendGatewayResponse(response: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders): void {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const contentType = typeof body === 'object' ? { 'content-type': 'application/json; charset=utf-8' } : {};
  response.writeHead(status, { ...contentType, server: DEV_GATEWAY_NAME, ...headers, 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
