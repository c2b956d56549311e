import { format } from 'node:util';
import type { PluginServerLogger } from 'kong-pdk/server';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
type Level = (typeof LEVELS)[number];

// kong-pdk's listener logs every rejected RPC as an error, this one included: an instance idle for 60 s is expired
// by the server, and Kong, told "no plugin instance", starts it again and retries the event. Routine, not an error.
const NO_PLUGIN_INSTANCE = /^rpc: # ?\d+ PluginServerError: no plugin instance #\d+$/;
const RECREATED = 'instance expired while idle, Kong starts it again:';

function isRecreatedInstance(args: unknown[]): boolean {
  return args.length === 1 && typeof args[0] === 'string' && NO_PLUGIN_INSTANCE.test(args[0]);
}

/**
 * kong-pdk's logger writes coloured lines to stdout, which corrupts the `--dump-all-plugins` JSON Kong parses.
 * This one writes plain lines to stderr (Kong captures both streams into its error log).
 */
export function createStderrLogger(minimum: Level): PluginServerLogger {
  const threshold = LEVELS.indexOf(minimum);
  const write = (level: Level, args: unknown[]): void => {
    if (LEVELS.indexOf(level) < threshold) return;
    process.stderr.write(`${new Date().toISOString()} [okta-auth-pluginserver] ${level}: ${format(...args)}\n`);
  };
  return {
    debug: (...args) => write('debug', args),
    info: (...args) => write('info', args),
    warn: (...args) => write('warn', args),
    error: (...args) => (isRecreatedInstance(args) ? write('info', [RECREATED, ...args]) : write('error', args)),
  };
}

/** A loggable description of a thrown value that never serialises arbitrary objects (they may hold secrets). */
export function describeThrown(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.stack ?? `${thrown.name}: ${thrown.message}`;
  if (typeof thrown === 'string') return thrown;
  return `a thrown ${typeof thrown} (not an Error, contents not logged)`;
}
