import fs from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import type { GatewayServices } from '../domain/services';
import type { Logger } from '../domain/logger';

/** The names of the services in a Kong declarative configuration (`services[].name`); unnamed ones are skipped. */
function serviceNames(text: string, file: string): string[] {
  const config: unknown = parse(text);
  if (config === null || typeof config !== 'object') throw new Error(`${file} is not a Kong declarative configuration`);
  const services = (config as { services?: unknown }).services ?? [];
  if (!Array.isArray(services)) throw new Error(`${file}: services must be a list`);
  const names = services.map((service: unknown) => (service as { name?: unknown } | null)?.name);
  return [...new Set(names.filter((name): name is string => typeof name === 'string' && name !== ''))].sort();
}

/**
 * The services of the declarative file Kong reads. Read once at start-up (an unreadable or malformed file stops
 * the start) and again whenever the file changes; a later bad edit keeps the last good list, with a warning.
 */
export async function kongDeclarativeServices(file: string, log: Logger): Promise<GatewayServices> {
  let version = '';
  let names: string[] = [];
  const load = async () => {
    const stat = await fs.stat(file);
    const current = `${stat.mtimeMs}:${stat.size}`;
    if (current === version) return;
    names = serviceNames(await fs.readFile(file, 'utf8'), file);
    version = current;
  };
  await load();
  return {
    source: path.basename(file),
    async names() {
      try {
        await load();
      } catch (error) {
        log.warn({ file, reason: (error as Error).message }, 'cannot read the gateway services again; keeping the last list');
      }
      return names;
    },
  };
}
