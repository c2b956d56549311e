import type { KongPlugin, KongPluginServerClient } from '../kong-rpc';
import { DeclarativeConfigError, type PluginEntity, type RouteEntity } from './entities';
import { applySchema, configFields } from './plugin-schema';

/** One plugin entity, ready to run: its instance on the plugin server and its priority there. */
export interface ReadyPlugin {
  name: string;
  priority: number;
  instance: KongPlugin;
  entity: PluginEntity;
}

interface PluginInfo {
  Priority?: number;
  Schema?: unknown;
}

// Kong's plugins iterator: of the entities of one plugin name that apply, the most specific one runs.
function specificity(entity: PluginEntity): number {
  return (entity.routeId !== null ? 2 : 0) + (entity.serviceId !== null ? 1 : 0);
}

async function pluginInfo(client: KongPluginServerClient, name: string, where: string, socketPath: string): Promise<PluginInfo> {
  try {
    return (await client.call('plugin.GetPluginInfo', name)) as PluginInfo;
  } catch (err) {
    throw new DeclarativeConfigError(
      `${where}: plugin ${name} is not served by the plugin server at ${socketPath} (${(err as Error).message}); ` +
        'the dev gateway runs only the plugins of that server',
    );
  }
}

/** Every plugin entity of kong.yml, checked against the plugin server's schemas, and the chain each route runs. */
export class PluginChain {
  private readonly byRoute = new Map<string, ReadyPlugin[]>();

  private constructor(private readonly plugins: ReadyPlugin[]) {}

  /**
   * Asks the plugin server for each plugin's priority and schema, then prepares each entity's config the way Kong
   * does (defaults, required fields, env vault references). Throws DeclarativeConfigError naming file and field.
   */
  static async prepare(client: KongPluginServerClient, entities: PluginEntity[], options: { file: string; socketPath: string; env: NodeJS.ProcessEnv }): Promise<PluginChain> {
    const infos = new Map<string, PluginInfo>();
    const plugins: ReadyPlugin[] = [];
    for (const entity of entities) {
      const where = `${options.file}: ${entity.location}`;
      if (!infos.has(entity.name)) infos.set(entity.name, await pluginInfo(client, entity.name, where, options.socketPath));
      const info = infos.get(entity.name) as PluginInfo;
      let config: Record<string, unknown>;
      try {
        config = applySchema('config', configFields(info.Schema), entity.config, options.env);
      } catch (err) {
        throw new DeclarativeConfigError(`${where}.${(err as Error).message}`);
      }
      const scope = { ...(entity.routeId && { routeId: entity.routeId }), ...(entity.serviceId && { serviceId: entity.serviceId }) };
      plugins.push({ name: entity.name, priority: info.Priority ?? 0, instance: client.plugin(entity.name, config, scope), entity });
    }
    return new PluginChain(plugins);
  }

  /** The plugins a request on this route runs, highest priority first (Kong's order). */
  forRoute(route: RouteEntity): ReadyPlugin[] {
    const cached = this.byRoute.get(route.id);
    if (cached) return cached;
    const chosen = new Map<string, ReadyPlugin>();
    for (const plugin of this.plugins) {
      const { routeId, serviceId } = plugin.entity;
      if ((routeId !== null && routeId !== route.id) || (serviceId !== null && serviceId !== route.service.id)) continue;
      const current = chosen.get(plugin.name);
      if (!current || specificity(plugin.entity) > specificity(current.entity)) chosen.set(plugin.name, plugin);
    }
    const chain = [...chosen.values()].sort((a, b) => b.priority - a.priority || a.name.localeCompare(b.name));
    this.byRoute.set(route.id, chain);
    return chain;
  }
}
