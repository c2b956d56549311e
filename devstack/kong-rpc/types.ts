/** Header map as a gateway sees it: lower-case name -> value, or values in order when repeated. */
export type HeaderMap = Record<string, string | string[]>;

/** A Kong consumer entity, as kong.client.load_consumer returns it. */
export interface ConsumerEntity {
  id: string;
  username: string | null;
  custom_id: string | null;
  created_at: number;
  updated_at: number;
  tags: string[] | null;
}

/** One client request, as the dev gateway or a test hands it to a plugin's access phase. */
export interface GatewayRequest {
  /** Default GET. */
  method?: string;
  /** Default "/". May carry "?query"; `query` is used when it does not. */
  path?: string;
  /** `true` is a flag argument without a value (`?debug`). */
  query?: Record<string, string | string[] | true>;
  headers?: Record<string, string | string[]>;
  /** Default "http". */
  scheme?: string;
  /** Default: the Host header without its port, else "localhost". */
  host?: string;
  /** Default 8000, Kong's proxy port. */
  port?: number;
  /** Default "127.0.0.1". */
  ip?: string;
  /** What kong.router.get_route returns; default `{ id: routeId }` when the plugin was given a routeId. */
  route?: Record<string, unknown>;
  /** What kong.router.get_service returns; default `{ id: serviceId }` when the plugin was given a serviceId. */
  service?: Record<string, unknown>;
  /** Kong's consumers (the declarative `consumers`), what kong.client.load_consumer searches. Default none. */
  consumers?: readonly ConsumerEntity[];
  /** Test hook: PDK method name -> error string that Kong answers with `plugin.StepError` instead of running it. */
  stepErrors?: Record<string, string>;
}

export interface ExitResponse {
  status: number;
  /** The body as the plugin passed it (an object is what Kong JSON-encodes). */
  body: unknown;
  /** Lower-case names: kong.response.set_header effects, then the exit's own headers. */
  headers: HeaderMap;
}

export interface LogEntry {
  level: string;
  message: string;
}

export interface AccessOutcome {
  /** True when Kong would proxy the request upstream. */
  proxied: boolean;
  /** The response Kong sends instead of proxying (kong.response.exit/error, or a Kong-side 500). */
  exit?: ExitResponse;
  /** The upstream request headers: the client's, with the plugin's set/add/clear applied (lower-case names). */
  upstreamHeaders: HeaderMap;
  /** Headers the plugin added to the eventual response with kong.response.set_header. */
  responseHeaders: HeaderMap;
  /** Every PDK call the plugin made, in order (exit included): the plugin's call budget. */
  pdkCalls: string[];
  /** kong.log.* output, collected and never printed. */
  logs: LogEntry[];
  /** What kong.client.authenticate left in ngx.ctx.authenticated_consumer and ngx.ctx.authenticated_credential. */
  consumer?: unknown;
  credential?: unknown;
  /**
   * The plugin server failed mid-event (RPC error, lost connection). Kong only logs this and carries on, so the
   * request is proxied: fail-open, exactly as in Kong.
   */
  rpcError?: string;
}

/** Where a plugin is attached; feeds Kong's extra config keys and the router defaults. */
export interface PluginScope {
  routeId?: string;
  serviceId?: string;
  consumerId?: string;
}
