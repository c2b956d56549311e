import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { HeaderMap } from '../kong-rpc';
import type { ServiceEntity } from './entities';
import { DEV_GATEWAY_NAME } from './responses';

// Hop-by-hop headers belong to one connection (RFC 9110 7.6.1); nginx does not pass them on either.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** Drops hop-by-hop headers, including those the Connection header lists. */
export function endToEndHeaders(headers: HeaderMap | OutgoingHttpHeaders): OutgoingHttpHeaders {
  const listed = [headers.connection ?? []].flat().flatMap((value) => String(value).toLowerCase().split(/\s*,\s*/));
  return Object.fromEntries(
    Object.entries(headers).filter(([name, value]) => value !== undefined && !HOP_BY_HOP.has(name) && !listed.includes(name)),
  );
}

export interface ForwardingContext {
  incoming: IncomingMessage;
  service: ServiceEntity;
  preserveHost: boolean;
  /** The path as received (normalized, no query): X-Forwarded-Path. */
  path: string;
  /** The prefix strip_path removed, if any: X-Forwarded-Prefix. */
  strippedPrefix: string | undefined;
  /** The gateway's listening port: X-Forwarded-Port. */
  gatewayPort: number;
  requestId: string;
}

function serviceHost(service: ServiceEntity): string {
  const defaultPort = service.protocol === 'https' ? 443 : 80;
  return service.port === defaultPort ? service.host : `${service.host}:${service.port}`;
}

/**
 * The headers Kong sends upstream: the client's, as the plugins left them, with Kong's own added. Kong trusts no
 * client-sent X-Forwarded-* by default (trusted_ips empty): it overwrites them, and appends to X-Forwarded-For.
 */
export function upstreamRequestHeaders(pluginHeaders: HeaderMap, context: ForwardingContext): OutgoingHttpHeaders {
  const { incoming, service } = context;
  const clientIp = incoming.socket.remoteAddress ?? '';
  const clientHost = incoming.headers.host ?? '';
  const forwardedFor = [pluginHeaders['x-forwarded-for'] ?? []].flat();
  const via = [pluginHeaders.via ?? []].flat();
  const passed = endToEndHeaders(pluginHeaders);
  delete passed['x-forwarded-prefix']; // Kong sends it only when strip_path removed a prefix
  return {
    ...passed,
    host: context.preserveHost && clientHost ? clientHost : serviceHost(service),
    'x-real-ip': clientIp,
    'x-forwarded-for': [...forwardedFor, clientIp].join(', '),
    'x-forwarded-proto': 'http',
    'x-forwarded-host': clientHost.replace(/:\d+$/, ''),
    'x-forwarded-port': String(context.gatewayPort),
    'x-forwarded-path': context.path,
    ...(context.strippedPrefix !== undefined && { 'x-forwarded-prefix': context.strippedPrefix }),
    'x-kong-request-id': context.requestId,
    via: [...via, `1.1 ${DEV_GATEWAY_NAME}`].join(', '),
  };
}
