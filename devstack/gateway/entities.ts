import type { ConsumerEntity } from '../kong-rpc';

/** A Kong service entity, with Kong's defaults applied (what kong.router.get_service returns). */
export interface ServiceEntity {
  id: string;
  name: string | null;
  protocol: 'http' | 'https';
  host: string;
  port: number;
  /** null: Kong's default, "/" upstream. */
  path: string | null;
  retries: number;
  connect_timeout: number;
  write_timeout: number;
  read_timeout: number;
  enabled: boolean;
  tags: string[] | null;
}

/** A Kong route entity, with Kong's defaults applied (what kong.router.get_route returns). */
export interface RouteEntity {
  id: string;
  name: string | null;
  service: { id: string };
  protocols: string[];
  methods: string[] | null;
  hosts: string[] | null;
  paths: string[] | null;
  strip_path: boolean;
  preserve_host: boolean;
  regex_priority: number;
  path_handling: 'v0';
  https_redirect_status_code: number;
  request_buffering: boolean;
  response_buffering: boolean;
  tags: string[] | null;
}

/** A plugin entity: attached to a route, a service, both, or neither (global). */
export interface PluginEntity {
  name: string;
  config: Record<string, unknown>;
  routeId: string | null;
  serviceId: string | null;
  /** Where kong.yml declares it, for error messages. */
  location: string;
}

export interface GatewayEntities {
  services: ServiceEntity[];
  routes: RouteEntity[];
  /** Enabled plugins only. */
  plugins: PluginEntity[];
  /** What kong.client.load_consumer finds. */
  consumers: ConsumerEntity[];
}

/** kong.yml cannot be used; the message names the file and the offending field. */
export class DeclarativeConfigError extends Error {
  override readonly name = 'DeclarativeConfigError';
}
