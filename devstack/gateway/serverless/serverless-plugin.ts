import type { SchemaFields } from '../../../plugins/kong-schema';
import { KONG_500 } from '../../kong-rpc/plugin';
import { GatewayRequestState } from '../../kong-rpc/request-state';
import type { AccessOutcome, GatewayRequest, PluginScope } from '../../kong-rpc';
import { LuaSyntaxError, type LuaVm } from './lua-vm';

/** Kong's bundled serverless plugins and their priorities (kong/plugins/{pre,post}-function/handler.lua). */
export const SERVERLESS_PRIORITIES: Readonly<Record<string, number>> = { 'pre-function': 1_000_000, 'post-function': -1000 };

const PHASES = ['certificate', 'rewrite', 'access', 'header_filter', 'body_filter', 'log'];

/** Their config (kong/plugins/pre-function/_schema.lua): one array of Lua code strings per phase. */
export const SERVERLESS_SCHEMA: SchemaFields = PHASES.map((phase) => ({ [phase]: { type: 'array', elements: { type: 'string' }, default: [] } }));

export function isServerlessPlugin(name: string): boolean {
  return name in SERVERLESS_PRIORITIES;
}

/** A pre-function or post-function entity: its access functions, compiled in the gateway's Lua VM. */
export class ServerlessPlugin {
  private constructor(
    private readonly vm: LuaVm,
    private readonly functions: number[],
    private readonly scope: PluginScope,
  ) {}

  /**
   * Compiles the entity's access functions. The dev gateway runs the access phase only, so code for another phase
   * is refused rather than ignored; so is an entity without code (Kong's at_least_one_of) and code that does not
   * parse (Kong's loadstring check).
   */
  static async prepare(vm: LuaVm, name: string, config: Record<string, unknown>, scope: PluginScope): Promise<ServerlessPlugin> {
    const other = PHASES.find((phase) => phase !== 'access' && (config[phase] as string[]).length > 0);
    if (other !== undefined) throw new Error(`config.${other}: the dev gateway runs the access phase only`);
    const code = config.access as string[];
    if (code.length === 0) throw new Error('config: at least one of these fields must be non-empty: config.access (the dev gateway runs access only)');
    const functions: number[] = [];
    for (const [i, source] of code.entries()) {
      try {
        functions.push(await vm.load(`${name}.access[${i}]`, source));
      } catch (err) {
        if (err instanceof LuaSyntaxError) throw new Error(`config.access[${i}]: error parsing ${name}: ${err.message}`);
        throw err;
      }
    }
    return new ServerlessPlugin(vm, functions, scope);
  }

  /** Runs the functions in order, as Kong does; an exit ends the request, a Lua error is Kong's 500. */
  async access(request: GatewayRequest): Promise<AccessOutcome> {
    const state = new GatewayRequestState(request, this.scope);
    for (const id of this.functions) {
      const result = await this.vm.run(id, state);
      if (result.kind === 'exit') return state.outcome();
      if (result.kind === 'error') {
        state.logs.push({ level: 'err', message: result.message });
        state.exit = { ...KONG_500, headers: { ...KONG_500.headers } };
        return state.outcome();
      }
    }
    state.proxied = true;
    return state.outcome();
  }
}
