import { loadDeclarativeConfig } from '../../devstack/gateway/declarative-config';
import type { PluginEntity } from '../../devstack/gateway/entities';
import { effectiveEntities } from '../../devstack/gateway/plugin-chain';

export const GUARD_PLUGINS = ['pre-function', 'post-function'] as const;

const sameEntity = (a: PluginEntity, b: PluginEntity): boolean => a.routeId === b.routeId && a.serviceId === b.serviceId;

/**
 * Where kong.yml breaks the guard's placement rules (empty: none). Kong runs ONE configuration per plugin name,
 * the most specific (kong/runloop/plugins_iterator.lua), so: every okta-auth entity carries both guard entries,
 * each with config.access only; and on every route okta-auth protects, the pre-/post-function that runs is the
 * one on okta-auth's own entity (one on a more specific entity would replace the guard).
 */
export function guardPlacementProblems(file: string): string[] {
  const entities = loadDeclarativeConfig(file);
  const problems: string[] = [];
  const plugins = entities.plugins.map((entity) => ({ entity }));
  for (const okta of entities.plugins.filter((p) => p.name === 'okta-auth')) {
    for (const guard of GUARD_PLUGINS) {
      const entry = entities.plugins.find((p) => p.name === guard && sameEntity(p, okta));
      if (!entry) problems.push(`${okta.location}: okta-auth has no ${guard} on the same entity`);
      else if (Object.keys(entry.config).join() !== 'access') problems.push(`${entry.location}: the guard's config must be access only`);
    }
  }
  for (const route of entities.routes) {
    const running = effectiveEntities(plugins, route);
    const okta = running.get('okta-auth')?.entity;
    if (!okta) continue;
    for (const guard of GUARD_PLUGINS) {
      const entry = running.get(guard)?.entity;
      if (entry && !sameEntity(entry, okta)) {
        problems.push(`route ${route.name ?? route.id}: the ${guard} at ${entry.location} replaces okta-auth's guard`);
      }
    }
  }
  return problems;
}
