import type { ExitResponse, GatewayRequest, HeaderMap } from '../kong-rpc';
import type { ReadyPlugin } from './plugin-chain';

/**
 * What the gateway does when a plugin-server call fails mid-request. `kong`: what Kong 3.9 does, log it and go on
 * with the next plugin and the proxy (kong/runloop/plugin_servers/rpc/mp_rpc.lua handle_event). `refuse`: answer
 * 500 and never proxy.
 */
export type PluginServerFailureMode = 'kong' | 'refuse';

export type AccessResult =
  | { kind: 'proxy'; upstreamHeaders: HeaderMap; responseHeaders: HeaderMap }
  | { kind: 'exit'; plugin: string; exit: ExitResponse }
  | { kind: 'rpc-failure'; plugin: string; message: string };

/**
 * Runs the access phase of each plugin in order, as Kong does: an exit ends the request (kong/init.lua skips the
 * remaining plugins once ctx.delayed_response is set); otherwise the next plugin sees the request headers as the
 * previous one left them (kong.service.request.* changes the one set of request headers nginx holds).
 */
export async function runAccessPhase(
  plugins: ReadyPlugin[],
  request: GatewayRequest,
  log: (line: string) => void,
  onPluginServerFailure: PluginServerFailureMode,
): Promise<AccessResult> {
  let headers = request.headers ?? {};
  let responseHeaders: HeaderMap = {};
  for (const plugin of plugins) {
    const outcome = await plugin.instance.access({ ...request, headers });
    for (const entry of outcome.logs) log(`[${plugin.name}] ${entry.level}: ${entry.message}`);
    if (outcome.rpcError !== undefined) {
      if (onPluginServerFailure === 'refuse') return { kind: 'rpc-failure', plugin: plugin.name, message: outcome.rpcError };
      log(`[${plugin.name}] err: ${outcome.rpcError} (Kong logs a plugin-server failure and goes on with the request)`);
    }
    if (outcome.exit) {
      return { kind: 'exit', plugin: plugin.name, exit: { ...outcome.exit, headers: { ...responseHeaders, ...outcome.exit.headers } } };
    }
    headers = outcome.upstreamHeaders;
    responseHeaders = { ...responseHeaders, ...outcome.responseHeaders };
  }
  return { kind: 'proxy', upstreamHeaders: headers, responseHeaders };
}
