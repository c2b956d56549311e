import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { normaliseConfig } from '../../plugins/okta-auth/config';
import { Schema } from '../../plugins/okta-auth/schema';
import { Name } from '../../plugins/okta-auth';

const root = path.resolve(__dirname, '../..');

interface PluginEntry {
  name: string;
  config: Record<string, unknown>;
}
interface Declarative {
  _format_version: string;
  services: Array<{ name: string; url: string; routes: Array<{ name: string; paths: string[] }>; plugins?: PluginEntry[] }>;
}

const declarative = parse(fs.readFileSync(path.join(root, 'kong.yml'), 'utf8')) as Declarative;
const schemaFields = new Set(Schema.map((entry) => Object.keys(entry)[0]));
const pluginEntries = declarative.services.flatMap((service) => service.plugins ?? []).filter((p) => p.name === Name);

// Kong's env vault: {vault://env/okta-issuer} reads OKTA_ISSUER.
function resolveEnvVault(value: unknown, env: Record<string, string>): unknown {
  if (typeof value !== 'string') return value;
  const ref = /^\{vault:\/\/env\/([a-z0-9-_]+)\}$/i.exec(value);
  return ref ? env[(ref[1] as string).toUpperCase().replace(/-/g, '_')] : value;
}

describe('kong.yml', () => {
  it('is a Kong 3.x declarative file with a service, a route and okta-auth', () => {
    expect(declarative._format_version).toBe('3.0');
    expect(declarative.services.length).toBeGreaterThan(0);
    expect(declarative.services[0]?.routes[0]?.paths.length).toBeGreaterThan(0);
    expect(pluginEntries).toHaveLength(1);
  });

  it("configures okta-auth only with fields of the plugin's own schema", () => {
    for (const entry of pluginEntries) {
      expect(Object.keys(entry.config).filter((field) => !schemaFields.has(field))).toEqual([]);
    }
  });

  it('takes per-environment values from the env vault and passes the plugin config check once resolved', () => {
    const env = {
      OKTA_ISSUER: 'https://acme.okta.com/oauth2/default',
      OKTA_AUTH_SIDECAR_URL: 'http://127.0.0.1:8080',
      OKTA_AUTH_SIDECAR_TOKEN: 'gateway-token',
    };
    for (const entry of pluginEntries) {
      expect(entry.config.issuer).toBe('{vault://env/okta-issuer}');
      // Kong resolves references only in referenceable fields.
      for (const [field, value] of Object.entries(entry.config)) {
        if (typeof value === 'string' && value.startsWith('{vault://')) {
          const spec = Schema.find((e) => Object.keys(e)[0] === field) as unknown as Record<string, { referenceable?: boolean }>;
          expect([field, spec[field]?.referenceable]).toEqual([field, true]);
        }
      }
      const resolved = Object.fromEntries(Object.entries(entry.config).map(([k, v]) => [k, resolveEnvVault(v, env)]));
      const config = normaliseConfig(resolved);
      expect(config.issuer).toBe(env.OKTA_ISSUER);
      expect(config.sidecar?.url).toBe(env.OKTA_AUTH_SIDECAR_URL);
    }
  });
});
