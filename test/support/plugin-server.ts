import fs = require('node:fs');
import os = require('node:os');
import path = require('node:path');
import { spawnPluginServer, type PluginServerProcess } from '../../devstack/kong-rpc/plugin-server-process';

const ROOT = path.resolve(__dirname, '../..');
/** Our hardened start command, as `npm run build` produces it. */
export const HARDENED_PLUGIN_SERVER = path.join(ROOT, 'dist/bin/okta-auth-pluginserver');
/** kong-pdk's own start command, for comparisons with stock behaviour. */
export const STOCK_PLUGIN_SERVER = path.join(ROOT, 'node_modules/kong-pdk/bin/kong-js-pluginserver');
export const FIXTURE_PLUGINS = path.join(ROOT, 'test/fixtures/kong-plugins');

export interface PluginServerOptions {
  /** Absolute plugins directory. Default: the bundled plugin, dist/kong-plugins. */
  pluginsDir?: string;
  /** Fixture plugins (test/fixtures/kong-plugins/<name>/<name>.js) to serve instead of `pluginsDir`. */
  fixtures?: string[];
  /** Default: the hardened start command. */
  command?: string;
  /** Kong prefix to listen in, owned by the caller (to restart a server on the same socket). Default: a temp dir. */
  prefix?: string;
  extraArgs?: string[];
  /**
   * Extra environment for the server, e.g. NODE_OPTIONS. (Setting process.env inside a test does not reach a
   * child: jest gives each test file its own copy of process.env.)
   */
  env?: NodeJS.ProcessEnv;
}

export interface RunningPluginServer extends PluginServerProcess {
  prefix: string;
  /** Resident set size from /proc, in KiB. */
  rssKiB(): number;
}

/** A plugins directory of symlinks to fixture plugins: the server loads every entry of it as a plugin. */
function fixturesDir(prefix: string, names: string[]): string {
  const dir = path.join(prefix, 'plugins');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir);
  for (const name of names) fs.symlinkSync(path.join(FIXTURE_PLUGINS, name, `${name}.js`), path.join(dir, `${name}.js`));
  return dir;
}

/** Starts a plugin server child process in a temp Kong prefix; `stop()` also removes that prefix. */
export async function startPluginServer(options: PluginServerOptions = {}): Promise<RunningPluginServer> {
  const ownsPrefix = options.prefix === undefined;
  const prefix = options.prefix ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pluginserver-'));
  const removePrefix = (): void => {
    if (ownsPrefix) fs.rmSync(prefix, { recursive: true, force: true });
  };
  try {
    const server = await spawnPluginServer({
      command: options.command ?? HARDENED_PLUGIN_SERVER,
      pluginsDir: options.fixtures ? fixturesDir(prefix, options.fixtures) : (options.pluginsDir ?? path.join(ROOT, 'dist/kong-plugins')),
      prefix,
      extraArgs: options.extraArgs,
      env: { ...process.env, ...options.env },
    });
    return {
      ...server,
      prefix,
      rssKiB: () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1]),
      stop: async () => {
        await server.stop();
        removePrefix();
      },
    };
  } catch (err) {
    removePrefix();
    throw err;
  }
}
