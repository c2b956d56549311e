import { NIL, requireString, value, type PdkFunction } from './reply';

const LOG_LEVELS = ['debug', 'info', 'notice', 'warn', 'err', 'crit', 'alert', 'emerg'];

/** kong.log concatenates its arguments like ngx.log, without separators. */
function logMessage(args: unknown[]): string {
  return args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join('');
}

const logFunctions: Record<string, PdkFunction> = Object.fromEntries([
  // kong.log(...) itself logs at notice level
  ['kong.log', (state, args) => (state.logs.push({ level: 'notice', message: logMessage(args) }), NIL)],
  ...LOG_LEVELS.map((level): [string, PdkFunction] => [
    `kong.log.${level}`,
    (state, args) => (state.logs.push({ level, message: logMessage(args) }), NIL),
  ]),
]);

/** kong.router, kong.client.get_ip and kong.ctx.shared: what Kong knows about the matched route and the client. */
export const contextFunctions: Record<string, PdkFunction> = {
  ...logFunctions,
  'kong.router.get_route': (state) => value(state.route),
  'kong.router.get_service': (state) => value(state.service),
  'kong.client.get_ip': (state) => value(state.ip),
  'kong.ctx.shared.get': (state, [key]) => value(state.shared.get(requireString(key, 'key'))),
  'kong.ctx.shared.set': (state, [key, sharedValue]) => {
    state.shared.set(requireString(key, 'key'), sharedValue ?? undefined);
    return NIL;
  },
};
