import type { AccessOutcome, GatewayRequest, KongPluginServerClient } from '../kong-rpc';
import { DeclarativeConfigError, type PluginEntity, type RouteEntity } from './entities';
import { applySchema, configFields } from './plugin-schema';
import { LuaVm } from './serverless/lua-vm';
import { isServerlessPlugin, SERVERLESS_PRIORITIES, SERVERLESS_SCHEMA, ServerlessPlugin } from './serverless/serverless-plugin';

/** One plugin entity, ready to run: on the plugin server, or (Kong's serverless plugins) in the Lua VM. */
export interface ReadyPlugin {
  name: string;
  priority: number;
  instance: { access(request: GatewayRequest): Promise<AccessOutcome> };
  entity: PluginEntity;
}

interface PluginInfo {
  Priority?: number;
  Schema?: unknown;
}

function specificity(entity: PluginEntity): number {
  return (entity.routeId !== null ? 2 : 0) + (entity.serviceId !== null ? 1 : 0);
}

/**
 * Kong's plugins iterator (kong/runloop/plugins_iterator.lua): of the entities of one plugin name that apply to a
 * route, the most specific one runs (route+service > route > service > global). Plugin name -> that entity.
 */
export function effectiveEntities<T extends { entity: PluginEntity }>(plugins: T[], route: RouteEntity): Map<string, T> {
  const chosen = new Map<string, T>();
  for (const plugin of plugins) {
    const { name, routeId, serviceId } = plugin.entity;
    if ((routeId !== null && routeId !== route.id) || (serviceId !== null && serviceId !== route.service.id)) continue;
    const current = chosen.get(name);
    if (!current || specificity(plugin.entity) > specificity(current.entity)) chosen.set(name, plugin);
  }
  return chosen;
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

  private constructor(
    private readonly plugins: ReadyPlugin[],
    private readonly vm: LuaVm | undefined,
  ) {}

  /**
   * Asks the plugin server for each plugin's priority and schema, then prepares each entity's config the way Kong
   * does (defaults, required fields, env vault references). Throws DeclarativeConfigError naming file and field.
   */
  static async prepare(client: KongPluginServerClient, entities: PluginEntity[], options: { file: string; socketPath: string; env: NodeJS.ProcessEnv }): Promise<PluginChain> {
    const infos = new Map<string, PluginInfo>();
    const plugins: ReadyPlugin[] = [];
    // Kong's bundled pre-function and post-function run in Lua: one VM, started only if kong.yml has them.
    const vm = entities.some((entity) => isServerlessPlugin(entity.name)) ? await LuaVm.start() : undefined;
    try {
      for (const entity of entities) {
        const where = `${options.file}: ${entity.location}`;
        const serverless = isServerlessPlugin(entity.name);
        if (!serverless && !infos.has(entity.name)) infos.set(entity.name, await pluginInfo(client, entity.name, where, options.socketPath));
        const fields = serverless ? SERVERLESS_SCHEMA : configFields(infos.get(entity.name)?.Schema);
        const scope = { ...(entity.routeId && { routeId: entity.routeId }), ...(entity.serviceId && { serviceId: entity.serviceId }) };
        try {
          const config = applySchema('config', fields, entity.config, options.env);
          plugins.push({
            name: entity.name,
            priority: serverless ? SERVERLESS_PRIORITIES[entity.name] : (infos.get(entity.name)?.Priority ?? 0),
            instance: vm && serverless ? await ServerlessPlugin.prepare(vm, entity.name, config, scope) : client.plugin(entity.name, config, scope),
            entity,
          });
        } catch (err) {
          throw new DeclarativeConfigError(`${where}.${(err as Error).message}`);
        }
      }
    } catch (err) {
      vm?.close();
      throw err;
    }
    return new PluginChain(plugins, vm);
  }

  /** The plugins a request on this route runs, highest priority first (Kong's order). */
  forRoute(route: RouteEntity): ReadyPlugin[] {
    const cached = this.byRoute.get(route.id);
    if (cached) return cached;
    const chain = [...effectiveEntities(this.plugins, route).values()].sort((a, b) => b.priority - a.priority || a.name.localeCompare(b.name));
    this.byRoute.set(route.id, chain);
    return chain;
  }

  /** Stops the Lua VM, if kong.yml needed one. */
  close(): void {
    this.vm?.close();
  }
}
