import fs from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import type { GatewayServices, PluginConfig } from '../domain/services';
import type { Logger } from '../domain/logger';

interface Declared {
  names: string[];
  /** The okta-auth config of each service that has one (on the service, or a top-level plugin naming it). */
  oktaAuth: Map<string, PluginConfig>;
}

const PLUGIN = 'okta-auth';
const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object';
const listOf = (value: unknown, what: string, file: string): unknown[] => {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`${file}: ${what} must be a list`);
  return value;
};

/**
 * Kong's env vault, as Kong resolves it: `{vault://env/okta-issuer}` is the variable OKTA_ISSUER. A reference
 * to an unset variable stays as written (the drift report then shows it).
 */
function resolveEnvVault(value: unknown, env: NodeJS.ProcessEnv): unknown {
  if (typeof value === 'string') {
    const match = /^\{vault:\/\/env\/([A-Za-z0-9_-]+)\}$/.exec(value);
    const resolved = match?.[1] && env[match[1].toUpperCase().replace(/-/g, '_')];
    return resolved ?? value;
  }
  if (Array.isArray(value)) return value.map((item) => resolveEnvVault(item, env));
  return value;
}

const resolvedConfig = (plugin: Record<string, unknown>, env: NodeJS.ProcessEnv): PluginConfig =>
  Object.fromEntries(Object.entries(isObject(plugin.config) ? plugin.config : {}).map(([k, v]) => [k, resolveEnvVault(v, env)]));

/** The named services of a Kong declarative configuration (`services[].name`) and their okta-auth configs. */
function declared(text: string, file: string, env: NodeJS.ProcessEnv): Declared {
  const config: unknown = parse(text);
  if (!isObject(config)) throw new Error(`${file} is not a Kong declarative configuration`);
  const names = new Set<string>();
  const oktaAuth = new Map<string, PluginConfig>();
  for (const service of listOf(config.services, 'services', file)) {
    const name = isObject(service) ? service.name : undefined;
    if (typeof name !== 'string' || name === '') continue;
    names.add(name);
    const plugin = listOf((service as Record<string, unknown>).plugins, `services.${name}.plugins`, file).find((p) => isObject(p) && p.name === PLUGIN);
    if (isObject(plugin)) oktaAuth.set(name, resolvedConfig(plugin, env));
  }
  for (const plugin of listOf(config.plugins, 'plugins', file)) {
    if (!isObject(plugin) || plugin.name !== PLUGIN) continue;
    const service = isObject(plugin.service) ? plugin.service.name : plugin.service;
    if (typeof service === 'string' && !oktaAuth.has(service)) oktaAuth.set(service, resolvedConfig(plugin, env));
  }
  return { names: [...names].sort(), oktaAuth };
}

/**
 * The services of the declarative file Kong reads. Read once at start-up (an unreadable or malformed file stops
 * the start) and again whenever the file changes; a later bad edit keeps the last good list, with a warning.
 */
export async function kongDeclarativeServices(file: string, log: Logger, env: NodeJS.ProcessEnv = process.env): Promise<GatewayServices> {
  let version = '';
  let current: Declared = { names: [], oktaAuth: new Map() };
  const load = async () => {
    const stat = await fs.stat(file);
    const seen = `${stat.mtimeMs}:${stat.size}`;
    if (seen === version) return;
    current = declared(await fs.readFile(file, 'utf8'), file, env);
    version = seen;
  };
  const fresh = async () => {
    try {
      await load();
    } catch (error) {
      log.warn({ file, reason: (error as Error).message }, 'cannot read the gateway services again; keeping the last list');
    }
    return current;
  };
  await load();
  return {
    source: path.basename(file),
    names: async () => (await fresh()).names,
    oktaAuth: async (service) => (await fresh()).oktaAuth.get(service),
  };
}
