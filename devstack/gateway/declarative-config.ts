import fs = require('node:fs');
import { parse } from 'yaml';
import { declarativeConsumers } from './consumers';
import { entityId } from './entity-id';
import { DeclarativeConfigError, type GatewayEntities, type PluginEntity, type RouteEntity, type ServiceEntity } from './entities';
import { YamlMapping } from './yaml-fields';

const FORMAT_VERSION = '3.0';
const DEFAULT_TIMEOUT_MS = 60_000;
const MAX_TIMEOUT_MS = 2 ** 31 - 2;
const PROTOCOLS = ['http', 'https'];

const TOP_LEVEL_FIELDS = ['_format_version', '_transform', '_comment', '_info', 'services', 'routes', 'plugins', 'consumers'];
const TOP_LEVEL_UNSUPPORTED = ['_workspace', 'consumer_groups', 'upstreams', 'targets', 'certificates', 'ca_certificates', 'snis', 'vaults', 'keys', 'key_sets', 'filter_chains'];
const SERVICE_FIELDS = ['id', 'name', 'url', 'protocol', 'host', 'port', 'path', 'retries', 'connect_timeout', 'write_timeout', 'read_timeout', 'enabled', 'tags', 'routes', 'plugins'];
const SERVICE_UNSUPPORTED = ['client_certificate', 'tls_verify', 'tls_verify_depth', 'ca_certificates'];
const ROUTE_FIELDS = ['id', 'name', 'protocols', 'methods', 'hosts', 'paths', 'strip_path', 'preserve_host', 'regex_priority', 'path_handling', 'https_redirect_status_code', 'request_buffering', 'response_buffering', 'tags', 'plugins'];
const ROUTE_UNSUPPORTED = ['headers', 'snis', 'sources', 'destinations', 'expression', 'priority'];
const PLUGIN_FIELDS = ['id', 'name', 'config', 'enabled', 'protocols', 'tags', 'instance_name'];
const PLUGIN_UNSUPPORTED = ['consumer', 'consumer_group', 'ordering'];

interface Scope {
  routeId: string | null;
  serviceId: string | null;
}

/** Identity of an entity: its id, else a stable id derived from its name (Kong needs one of them here). */
function identify(m: YamlMapping, kind: string): { id: string; name: string | null } {
  const name = m.string('name') ?? null;
  const id = m.string('id') ?? (name !== null ? entityId(kind, name) : m.fail('name', 'required (ids are derived from names)'));
  return { id, name };
}

/** The service's url shorthand, split into Kong's fields (no path in the url = path null). */
function serviceTarget(m: YamlMapping): Pick<ServiceEntity, 'protocol' | 'host' | 'port' | 'path'> {
  const url = m.string('url');
  if (url === undefined) {
    const protocol = m.string('protocol') ?? 'http';
    if (!PROTOCOLS.includes(protocol)) m.fail('protocol', 'the dev gateway proxies http and https only');
    const path = m.string('path') ?? null;
    if (path !== null && !path.startsWith('/')) m.fail('path', 'must start with /');
    return {
      protocol: protocol as ServiceEntity['protocol'],
      host: m.string('host') ?? m.fail('host', 'required (or url)'),
      port: m.integer('port', 80, 0, 65535),
      path,
    };
  }
  if (['protocol', 'host', 'port', 'path'].some((field) => m.has(field))) m.fail('url', 'cannot be combined with protocol, host, port or path');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return m.fail('url', `is not a valid URL: ${url}`);
  }
  const protocol = parsed.protocol.slice(0, -1);
  if (!PROTOCOLS.includes(protocol)) m.fail('url', 'the dev gateway proxies http and https only');
  return {
    protocol: protocol as ServiceEntity['protocol'],
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : protocol === 'https' ? 443 : 80,
    path: /^[a-z]+:\/\/[^/?#]*(\/[^?#]*)?/i.exec(url)?.[1] ?? null,
  };
}

function service(m: YamlMapping): ServiceEntity {
  m.allowOnly(SERVICE_FIELDS, SERVICE_UNSUPPORTED);
  const timeout = (field: string) => m.integer(field, DEFAULT_TIMEOUT_MS, 1, MAX_TIMEOUT_MS);
  return {
    ...identify(m, 'services'),
    ...serviceTarget(m),
    retries: m.integer('retries', 5, 0, 32767),
    connect_timeout: timeout('connect_timeout'),
    write_timeout: timeout('write_timeout'),
    read_timeout: timeout('read_timeout'),
    enabled: m.boolean('enabled', true),
    tags: m.strings('tags'),
  };
}

function checkPaths(m: YamlMapping, paths: string[] | null): void {
  for (const path of paths ?? []) {
    if (path.startsWith('~')) {
      try {
        new RegExp(path.slice(1));
      } catch (err) {
        m.fail('paths', `invalid regex ${path}: ${(err as Error).message}`);
      }
    } else if (!path.startsWith('/')) {
      m.fail('paths', `${path} must start with / (a prefix) or ~ (a regex)`);
    }
  }
}

function route(m: YamlMapping, serviceId: string): RouteEntity {
  m.allowOnly(m.has('service') ? [...ROUTE_FIELDS, 'service'] : ROUTE_FIELDS, ROUTE_UNSUPPORTED);
  const protocols = m.strings('protocols') ?? PROTOCOLS;
  if (!protocols.every((protocol) => PROTOCOLS.includes(protocol))) m.fail('protocols', 'the dev gateway routes http and https only');
  if ((m.string('path_handling') ?? 'v0') !== 'v0') m.fail('path_handling', 'the dev gateway implements v0 (Kong\'s default) only');
  const paths = m.strings('paths');
  checkPaths(m, paths);
  const methods = m.strings('methods')?.map((method) => method.toUpperCase()) ?? null;
  const hosts = m.strings('hosts')?.map((host) => host.toLowerCase()) ?? null;
  if (!paths && !methods && !hosts) m.fail('paths', "a route must set one of 'methods', 'hosts' or 'paths'");
  return {
    ...identify(m, 'routes'),
    service: { id: serviceId },
    protocols,
    methods,
    hosts,
    paths,
    strip_path: m.boolean('strip_path', true),
    preserve_host: m.boolean('preserve_host', false),
    regex_priority: m.integer('regex_priority', 0, -(2 ** 31), 2 ** 31 - 1),
    path_handling: 'v0',
    https_redirect_status_code: m.integer('https_redirect_status_code', 426, 300, 599),
    request_buffering: m.boolean('request_buffering', true),
    response_buffering: m.boolean('response_buffering', true),
    tags: m.strings('tags'),
  };
}

function plugin(m: YamlMapping, scope: Scope): PluginEntity | undefined {
  if (!m.boolean('enabled', true)) return undefined;
  const config = m.has('config') ? m.mapping('config').fields : {};
  return { name: m.string('name') ?? m.fail('name', 'required'), config: { ...config }, ...scope, location: m.at };
}

/** Entities collected while walking the document, with name/id lookups for top-level references. */
class EntityCollector {
  readonly services: ServiceEntity[] = [];
  readonly routes: RouteEntity[] = [];
  readonly plugins: PluginEntity[] = [];

  addService(entity: ServiceEntity, m: YamlMapping): void {
    if (this.find(this.services, entity.id, entity.name)) m.fail('name', `service ${entity.name ?? entity.id} is declared twice`);
    this.services.push(entity);
  }

  addRoute(entity: RouteEntity, m: YamlMapping): void {
    if (this.find(this.routes, entity.id, entity.name)) m.fail('name', `route ${entity.name ?? entity.id} is declared twice`);
    this.routes.push(entity);
  }

  addPlugin(entity: PluginEntity | undefined, m: YamlMapping): void {
    if (!entity) return;
    const twin = this.plugins.find((p) => p.name === entity.name && p.routeId === entity.routeId && p.serviceId === entity.serviceId);
    if (twin) m.fail('name', `plugin ${entity.name} is already attached here at ${twin.location}`);
    this.plugins.push(entity);
  }

  serviceId(m: YamlMapping, field: string): string | null {
    const ref = m.reference(field);
    if (ref === undefined) return null;
    return this.find(this.services, ref, ref)?.id ?? m.fail(field, `no service named ${ref}`);
  }

  routeId(m: YamlMapping, field: string): string | null {
    const ref = m.reference(field);
    if (ref === undefined) return null;
    return this.find(this.routes, ref, ref)?.id ?? m.fail(field, `no route named ${ref}`);
  }

  private find<T extends { id: string; name: string | null }>(list: T[], id: string, name: string | null): T | undefined {
    return list.find((entity) => entity.id === id || (name !== null && entity.name === name));
  }
}

/** The plugins nested in a service or a route (Kong attaches a plugin nested in a route to the route only). */
function attachPlugins(entities: EntityCollector, owner: YamlMapping, scope: Scope): void {
  for (const p of owner.mappings('plugins')) {
    p.allowOnly(PLUGIN_FIELDS, PLUGIN_UNSUPPORTED);
    entities.addPlugin(plugin(p, scope), p);
  }
}

function collect(document: YamlMapping): GatewayEntities {
  document.allowOnly(TOP_LEVEL_FIELDS, TOP_LEVEL_UNSUPPORTED);
  if (String(document.fields._format_version) !== FORMAT_VERSION) {
    document.fail('_format_version', `must be "${FORMAT_VERSION}" (Kong 3.x)`);
  }
  const entities = new EntityCollector();
  for (const serviceMapping of document.mappings('services')) {
    const entity = service(serviceMapping);
    entities.addService(entity, serviceMapping);
    for (const routeMapping of serviceMapping.mappings('routes')) {
      const routeEntity = route(routeMapping, entity.id);
      entities.addRoute(routeEntity, routeMapping);
      attachPlugins(entities, routeMapping, { routeId: routeEntity.id, serviceId: null });
    }
    attachPlugins(entities, serviceMapping, { routeId: null, serviceId: entity.id });
  }
  for (const routeMapping of document.mappings('routes')) {
    const serviceId = entities.serviceId(routeMapping, 'service') ?? routeMapping.fail('service', 'required for a top-level route');
    const routeEntity = route(routeMapping, serviceId);
    entities.addRoute(routeEntity, routeMapping);
    attachPlugins(entities, routeMapping, { routeId: routeEntity.id, serviceId: null });
  }
  for (const p of document.mappings('plugins')) {
    p.allowOnly([...PLUGIN_FIELDS, 'service', 'route'], PLUGIN_UNSUPPORTED);
    entities.addPlugin(plugin(p, { routeId: entities.routeId(p, 'route'), serviceId: entities.serviceId(p, 'service') }), p);
  }
  return { services: entities.services, routes: entities.routes, plugins: entities.plugins, consumers: declarativeConsumers(document.mappings('consumers')) };
}

/** Reads a Kong 3.x declarative file (DB-less kong.yml) into entities with Kong's defaults applied. */
export function loadDeclarativeConfig(file: string): GatewayEntities {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new DeclarativeConfigError(`cannot read the declarative config ${file}: ${(err as Error).message}`);
  }
  let document: unknown;
  try {
    document = parse(text);
  } catch (err) {
    throw new DeclarativeConfigError(`${file}: invalid YAML: ${(err as Error).message}`);
  }
  return collect(YamlMapping.of(document, '', file));
}
