import type { GatewayEntities, RouteEntity, ServiceEntity } from './entities';

/** What the router needs of a request. */
export interface RoutableRequest {
  method: string;
  /** Host header, lower case, without its port. */
  host: string;
  /** The port the gateway received the request on (for `hosts: ["name:port"]`). */
  port: number;
  /** The normalized path. */
  path: string;
}

export interface RouteMatch {
  route: RouteEntity;
  service: ServiceEntity;
  /** What the route's path matched; undefined when the route has no paths. */
  matched: string | undefined;
}

/** One path of one route: Kong ranks each path of a route on its own. */
interface Candidate {
  route: RouteEntity;
  service: ServiceEntity;
  regex: RegExp | undefined;
  prefix: string | undefined;
  /** Kong's route priority (kong/router/transform.lua get_priority), compared field by field. */
  rank: number[];
}

function hostMatches(entry: string, host: string, port: number): boolean {
  const separator = entry.lastIndexOf(':');
  const entryPort = separator > 0 ? Number(entry.slice(separator + 1)) : NaN;
  const name = Number.isInteger(entryPort) ? entry.slice(0, separator) : entry;
  if (Number.isInteger(entryPort) && entryPort !== port) return false;
  if (name.startsWith('*')) return host.endsWith(name.slice(1));
  if (name.endsWith('*')) return host.startsWith(name.slice(0, -1));
  return host === name;
}

function candidates(route: RouteEntity, service: ServiceEntity): Candidate[] {
  const matchWeight = [route.methods, route.hosts, route.paths].filter((field) => field !== null).length;
  const plainHostsOnly = route.hosts !== null && route.hosts.every((host) => !host.includes('*')) ? 1 : 0;
  if (route.paths === null) return [{ route, service, regex: undefined, prefix: undefined, rank: [matchWeight, plainHostsOnly, 0, 0, 0] }];
  return route.paths.map((path) =>
    path.startsWith('~')
      ? { route, service, regex: new RegExp(`^${path.slice(1)}`), prefix: undefined, rank: [matchWeight, plainHostsOnly, 1, route.regex_priority, 0] }
      : { route, service, regex: undefined, prefix: path, rank: [matchWeight, plainHostsOnly, 0, 0, path.length] },
  );
}

function compareRanks(a: Candidate, b: Candidate): number {
  for (let i = 0; i < a.rank.length; i += 1) {
    if (a.rank[i] !== b.rank[i]) return b.rank[i] - a.rank[i];
  }
  return 0; // stable sort: declaration order breaks ties
}

/** The part of the path a candidate matched; undefined for a route without paths; false when it does not match. */
function matchPath(candidate: Candidate, path: string): string | undefined | false {
  if (candidate.regex) return candidate.regex.exec(path)?.[0] ?? false;
  if (candidate.prefix !== undefined) return path.startsWith(candidate.prefix) ? candidate.prefix : false;
  return undefined;
}

/**
 * Kong's HTTP router for the fields the dev gateway supports: methods, hosts (wildcards, host:port), prefix
 * paths (plain string prefixes, as in Kong) and `~` regex paths anchored at the start. Routes are tried in Kong's
 * priority order: more matching fields first, plain hosts over wildcards, regex paths by regex_priority before
 * prefix paths, longer prefixes first.
 */
export class Router {
  private readonly ranked: Candidate[];

  constructor(entities: GatewayEntities) {
    const services = new Map(entities.services.map((service) => [service.id, service]));
    this.ranked = entities.routes
      .flatMap((route) => {
        const service = services.get(route.service.id);
        return service?.enabled ? candidates(route, service) : [];
      })
      .sort(compareRanks);
  }

  match(request: RoutableRequest): RouteMatch | undefined {
    for (const candidate of this.ranked) {
      const { route } = candidate;
      if (route.methods && !route.methods.includes(request.method)) continue;
      if (route.hosts && !route.hosts.some((entry) => hostMatches(entry, request.host, request.port))) continue;
      const matched = matchPath(candidate, request.path);
      if (matched === false) continue;
      return { route, service: candidate.service, matched };
    }
    return undefined;
  }
}
