import path from 'node:path';
import { LOCAL_JOURNEY_ACCOUNTS } from './local-environment';

/** What `npm start` runs with, from the environment; every default works on a fresh machine. */
export interface StackSettings {
  host: string;
  dataDir: string;
  ports: { okta: number; sidecar: number; portal: number; gateway: number; demoUpstream: number };
  /** Set when OKTA_ISSUER and OKTA_API_TOKEN name a real Okta org: no local emulator then. */
  realOkta?: { issuer: string; apiToken: string };
  declarativeConfigPath: string;
  /** What npm start sets of LOCAL_JOURNEY_ACCOUNTS: the variables the environment leaves unset. */
  localJourneyAccounts: Partial<Record<keyof typeof LOCAL_JOURNEY_ACCOUNTS, string>>;
}

/** The variable that changes each port, for messages that must tell a person what to do. */
export const PORT_VARIABLES = {
  okta: 'OKTA_EMULATOR_PORT',
  sidecar: 'SIDECAR_PORT',
  portal: 'PORTAL_PORT',
  gateway: 'GATEWAY_PORT',
  demoUpstream: 'DEMO_UPSTREAM_PORT',
} as const;

const DEFAULT_PORTS = { okta: 9000, sidecar: 8080, portal: 8081, gateway: 8000, demoUpstream: 9100 };

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

function port(env: NodeJS.ProcessEnv, key: keyof typeof PORT_VARIABLES): number {
  const variable = PORT_VARIABLES[key];
  const value = env[variable];
  if (value === undefined || value === '') return DEFAULT_PORTS[key];
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535) {
    throw new SettingsError(`${variable} must be a port number from 1 to 65535, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

function realOkta(env: NodeJS.ProcessEnv): StackSettings['realOkta'] {
  const { OKTA_ISSUER: issuer, OKTA_API_TOKEN: apiToken } = env;
  if (!issuer && !apiToken) return undefined;
  if (!issuer || !apiToken) {
    throw new SettingsError('set both OKTA_ISSUER and OKTA_API_TOKEN to use a real Okta org, or neither for the local one');
  }
  if (!/^https:\/\/[^/]+\/oauth2\/[^/]+$/.test(issuer)) {
    throw new SettingsError('OKTA_ISSUER must be a custom authorization server, like https://acme.okta.com/oauth2/default');
  }
  return { issuer, apiToken };
}

/** The stack's data directory. An empty SIDECAR_DATA_DIR is unset, not the current directory (which would take secrets.json). */
export function stackDataDir(env: NodeJS.ProcessEnv, repoRoot: string): string {
  return path.resolve(env.SIDECAR_DATA_DIR || path.join(repoRoot, 'data'));
}

export const stackDeclarativeConfig = (repoRoot: string): string => path.join(repoRoot, 'kong.yml');

/** An empty variable is unset, as everywhere in npm start; the sidecar checks the values the environment sets. */
const localJourneyAccounts = (env: NodeJS.ProcessEnv): StackSettings['localJourneyAccounts'] =>
  Object.fromEntries(Object.entries(LOCAL_JOURNEY_ACCOUNTS).filter(([name]) => !env[name]));

export function loadStackSettings(env: NodeJS.ProcessEnv, repoRoot: string): StackSettings {
  const ports = {
    okta: port(env, 'okta'),
    sidecar: port(env, 'sidecar'),
    portal: port(env, 'portal'),
    gateway: port(env, 'gateway'),
    demoUpstream: port(env, 'demoUpstream'),
  };
  const settings: StackSettings = {
    host: '127.0.0.1',
    dataDir: stackDataDir(env, repoRoot),
    ports,
    declarativeConfigPath: stackDeclarativeConfig(repoRoot),
    localJourneyAccounts: localJourneyAccounts(env),
  };
  const real = realOkta(env);
  if (real) settings.realOkta = real;
  return settings;
}
