import type { ExitResponse, GatewayRequest, HeaderMap } from '../kong-rpc';
import type { ReadyPlugin } from './plugin-chain';

export type AccessResult =
  | { kind: 'proxy'; upstreamHeaders: HeaderMap; responseHeaders: HeaderMap }
  | { kind: 'exit'; plugin: string; exit: ExitResponse }
  | { kind: 'rpc-failure'; plugin: string; message: string };

/**
 * Runs the access phase of each plugin in order, as Kong does: an exit ends the request; otherwise the next plugin
 * sees the request headers as the previous one left them (kong.service.request.set_header changes the request
 * nginx holds). Where Kong logs a failed plugin-server call and proxies anyway, this refuses to proxy.
 */
export async function runAccessPhase(plugins: ReadyPlugin[], request: GatewayRequest, log: (line: string) => void): Promise<AccessResult> {
  let headers = request.headers ?? {};
  let responseHeaders: HeaderMap = {};
  for (const plugin of plugins) {
    const outcome = await plugin.instance.access({ ...request, headers });
    for (const entry of outcome.logs) log(`[${plugin.name}] ${entry.level}: ${entry.message}`);
    if (outcome.rpcError !== undefined) return { kind: 'rpc-failure', plugin: plugin.name, message: outcome.rpcError };
    if (outcome.exit) {
      return { kind: 'exit', plugin: plugin.name, exit: { ...outcome.exit, headers: { ...responseHeaders, ...outcome.exit.headers } } };
    }
    headers = outcome.upstreamHeaders;
    responseHeaders = { ...responseHeaders, ...outcome.responseHeaders };
  }
  return { kind: 'proxy', upstreamHeaders: headers, responseHeaders };
}
