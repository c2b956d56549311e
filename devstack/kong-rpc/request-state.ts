import { headerValues, toHeaderMap } from './header-map';
import type { AccessOutcome, ConsumerEntity, ExitResponse, GatewayRequest, LogEntry, PluginScope } from './types';

const DEFAULT_PROXY_PORT = 8000;

function splitPath(request: GatewayRequest): { path: string; rawQuery: string } {
  const [path, ...query] = (request.path ?? '/').split('?');
  if (query.length > 0) return { path, rawQuery: query.join('?') };
  const pairs = Object.entries(request.query ?? {}).flatMap(([name, value]) =>
    value === true
      ? [encodeURIComponent(name)] // a flag ("?debug") differs from an empty value ("?debug=") in Kong
      : (Array.isArray(value) ? value : [value]).map((item) => `${encodeURIComponent(name)}=${encodeURIComponent(item)}`),
  );
  return { path, rawQuery: pairs.join('&') };
}

/** Everything the Kong side knows and changes while one request runs through a plugin's access phase. */
export class GatewayRequestState {
  /**
   * nginx's request headers: one set, which kong.request.get_header(s) read and kong.service.request.* change
   * (kong/pdk/service/request.lua sets them with ngx.req.set_header, kong/pdk/request.lua reads them back), and
   * which is proxied.
   */
  readonly headers: Map<string, string[]>;
  readonly responseHeaders = new Map<string, string[]>();
  readonly shared = new Map<string, unknown>();
  readonly logs: LogEntry[] = [];
  readonly pdkCalls: string[] = [];
  readonly method: string;
  readonly path: string;
  readonly rawQuery: string;
  readonly scheme: string;
  readonly host: string;
  readonly port: number;
  readonly ip: string;
  readonly route: Record<string, unknown> | undefined;
  readonly service: Record<string, unknown> | undefined;
  readonly stepErrors: Record<string, string>;
  readonly consumers: readonly ConsumerEntity[];
  consumer: unknown;
  credential: unknown;
  exit: ExitResponse | undefined;
  proxied = false;
  rpcError: string | undefined;

  constructor(request: GatewayRequest, scope: PluginScope) {
    this.headers = headerValues(request.headers);
    this.method = (request.method ?? 'GET').toUpperCase();
    ({ path: this.path, rawQuery: this.rawQuery } = splitPath(request));
    this.scheme = request.scheme ?? 'http';
    this.host = request.host ?? this.headers.get('host')?.[0]?.split(':')[0]?.toLowerCase() ?? 'localhost';
    this.port = request.port ?? DEFAULT_PROXY_PORT;
    this.ip = request.ip ?? '127.0.0.1';
    this.route = request.route ?? (scope.routeId ? { id: scope.routeId } : undefined);
    this.service = request.service ?? (scope.serviceId ? { id: scope.serviceId } : undefined);
    this.stepErrors = request.stepErrors ?? {};
    this.consumers = request.consumers ?? [];
  }

  outcome(): AccessOutcome {
    return {
      proxied: this.proxied,
      ...(this.exit && { exit: this.exit }),
      upstreamHeaders: toHeaderMap(this.headers),
      responseHeaders: toHeaderMap(this.responseHeaders),
      pdkCalls: [...this.pdkCalls],
      logs: [...this.logs],
      ...(this.consumer !== undefined && { consumer: this.consumer }),
      ...(this.credential !== undefined && { credential: this.credential }),
      ...(this.rpcError !== undefined && { rpcError: this.rpcError }),
    };
  }
}
