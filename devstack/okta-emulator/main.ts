// `npm run okta-emulator`: the local Okta-compatible server as a process.
//
// stdout carries exactly one line, the ready event as JSON, for a parent process to read:
//   {"event":"ready","issuer":"http://127.0.0.1:9000/oauth2/default","port":9000,"apiToken":"00..."}
// (apiToken only when it was generated). Everything else goes to stderr.
import path from 'node:path';

import { PortInUseError } from '../listen-port';
import {
  DEFAULT_DCR_RATE_LIMIT,
  DEFAULT_JWKS_MAX_AGE,
  DEFAULT_SCOPES,
  isScopeName,
  startOktaEmulator,
  type OktaEmulator,
  type OktaEmulatorOptions,
} from './index';
import { checkRandomFaults } from './random-faults';

// oidc-provider writes its notices with console.info (its warnings, such as "Unsupported runtime" on Node 20, go
// to stderr already): nothing but the ready line may reach stdout.
console.log = console.info = console.debug = console.error;

class EnvError extends Error {}

function integerFromEnv(name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value > max) {
    throw new EnvError(`${name} must be an integer from 0 to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function optionsFromEnv(): OktaEmulatorOptions {
  const options: OktaEmulatorOptions = {
    port: integerFromEnv('OKTA_EMULATOR_PORT', 9000, 65535),
    dcrRateLimitPerMinute: integerFromEnv('OKTA_EMULATOR_DCR_RATE_LIMIT', DEFAULT_DCR_RATE_LIMIT),
    jwksMaxAgeSeconds: integerFromEnv('OKTA_EMULATOR_JWKS_MAX_AGE', DEFAULT_JWKS_MAX_AGE),
    scopes: DEFAULT_SCOPES,
  };
  const token = process.env.OKTA_EMULATOR_API_TOKEN;
  if (token !== undefined && token !== '') {
    if (!/^\S+$/.test(token)) throw new EnvError('OKTA_EMULATOR_API_TOKEN must not contain whitespace');
    options.apiToken = token;
  }
  const dataDir = process.env.OKTA_EMULATOR_DATA_DIR;
  if (dataDir !== undefined && dataDir !== '') options.dataDir = path.resolve(dataDir);
  const randomFaults = process.env.OKTA_EMULATOR_RANDOM_FAULTS;
  if (randomFaults !== undefined && randomFaults.trim() !== '') {
    try {
      options.randomFaults = checkRandomFaults(JSON.parse(randomFaults));
    } catch (err) {
      throw new EnvError(`OKTA_EMULATOR_RANDOM_FAULTS: ${(err as Error).message}`);
    }
  }
  const scopes = process.env.OKTA_EMULATOR_SCOPES;
  if (scopes !== undefined && scopes.trim() !== '') {
    options.scopes = scopes.split(/[\s,]+/).filter(Boolean);
    const bad = options.scopes.find((s) => !isScopeName(s));
    if (bad !== undefined) throw new EnvError(`OKTA_EMULATOR_SCOPES: ${JSON.stringify(bad)} is not a valid scope name`);
  }
  return options;
}

async function main(): Promise<void> {
  let options: OktaEmulatorOptions;
  try {
    options = optionsFromEnv();
  } catch (err) {
    if (!(err instanceof EnvError)) throw err;
    process.stderr.write(`okta-emulator: ${err.message}\n`);
    process.exit(1);
  }

  // Handlers first: a parent may send SIGTERM as soon as it reads the ready line.
  let emulator: OktaEmulator | undefined;
  let closing = false;
  const stop = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    console.error(`okta-emulator: ${signal}, closing`);
    (emulator?.close() ?? Promise.resolve()).then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('okta-emulator: close failed', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  emulator = await startOktaEmulator(options);
  const ready = {
    event: 'ready',
    issuer: emulator.issuer,
    port: emulator.port,
    ...(emulator.apiTokenGenerated ? { apiToken: emulator.apiToken } : {}),
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  console.error(`okta-emulator: issuer ${emulator.issuer}`);
  console.error(`okta-emulator: DCR API ${emulator.orgUrl}/oauth2/v1/clients, control API ${emulator.orgUrl}/__emulator/`);
  console.error(`okta-emulator: clients and keys ${options.dataDir ? `kept in ${options.dataDir}` : 'in memory only'}`);
  console.error(`okta-emulator: scopes ${options.scopes!.join(' ')} (default ${options.scopes![0]})`);
  if (options.randomFaults) console.error(`okta-emulator: random DCR faults ${JSON.stringify(options.randomFaults)}`);
}

main().catch((err: unknown) => {
  if (err instanceof PortInUseError) {
    process.stderr.write(`${err.message}: choose another OKTA_EMULATOR_PORT (0 = any free port)\n`);
  } else {
    process.stderr.write(`okta-emulator: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  process.exit(1);
});
