// `npm start`: the whole journey on loopback with local defaults, nothing to configure.
import path from 'node:path';
import { bootstrapLocalOkta, type Bootstrapped } from './stack/bootstrap';
import { SettingsError, loadStackSettings } from './stack/settings';
import { startStack, type RunningStack } from './stack/start-stack';
import { SECRETS_FILE } from './stack/secrets';
import type { StackSettings } from './stack/settings';

const REPO_ROOT = path.resolve(__dirname, '../..');

function bootstrapLines(bootstrapped: Bootstrapped | undefined): string[] {
  if (!bootstrapped) return [];
  const line = (label: string, { name, id, created }: Bootstrapped['provider']) =>
    `      ${label.padEnd(27)}${name}  (id ${id}, ${created ? 'created now' : 'from a previous run'})`;
  return [line('DCR provider', bootstrapped.provider), line('auth strategy', bootstrapped.strategy)];
}

function summary(stack: RunningStack, settings: StackSettings, bootstrapped: Bootstrapped | undefined): string {
  const secretsFile = path.join(settings.dataDir, SECRETS_FILE);
  const okta = stack.okta.local
    ? [
        `  Okta (local, Okta-compatible)  ${stack.okta.issuer}`,
        `      DCR API token (dcr_token)  ${stack.secrets.OKTA_EMULATOR_API_TOKEN}`,
      ]
    : [`  Okta (your org)                ${stack.okta.issuer}  (API token from OKTA_API_TOKEN, not shown)`];
  return [
    '',
    'kong-okta-dcr is running:',
    ...okta,
    `  Sidecar API                    ${stack.sidecarUrl}   (Swagger UI: ${stack.sidecarUrl}/docs)`,
    `      admin token                ${stack.secrets.SIDECAR_ADMIN_TOKEN}`,
    ...bootstrapLines(bootstrapped),
    `  Dev gateway (NOT Kong)         ${stack.gatewayUrl}   routes from kong.yml, e.g. ${stack.gatewayUrl}/demo`,
    `  Demo upstream (echo)           ${stack.demoUpstreamUrl}`,
    `  Plugin server socket           ${stack.pluginServerSocket}`,
    '',
    `Credentials are kept in ${secretsFile} (owner-only) and reused; logs are in ${stack.logDir}.`,
    'The dev gateway is a development stand-in for Kong that runs the real plugin server; deploy with the Dockerfile.',
    'Walkthrough: README.md. Ctrl-C stops everything.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  let settings: StackSettings;
  try {
    settings = loadStackSettings(process.env, REPO_ROOT);
  } catch (err) {
    if (!(err instanceof SettingsError)) throw err;
    console.error(`npm start: ${err.message}`);
    process.exit(1);
  }
  const progress = (line: string) => console.log(`[start] ${line}`);
  // Installed before anything starts: a Ctrl-C at any moment must stop what runs, never leave it behind.
  let stack: RunningStack | undefined;
  let stopRequested = false;
  const stop = (signal: string) => {
    if (stopRequested) return;
    stopRequested = true;
    console.log(`[start] ${signal}: stopping`);
    // Before the stack is up there is nothing to close yet: main closes it as soon as startStack returns.
    stack?.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  let bootstrapped: Bootstrapped | undefined;
  try {
    stack = await startStack(settings, { dist: path.join(REPO_ROOT, 'dist') }, progress);
  } catch (err) {
    console.error(`npm start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
  if (stack.okta.local && !stopRequested) {
    progress('sidecar: looking up (or creating) the local Okta provider and auth strategy');
    try {
      bootstrapped = await bootstrapLocalOkta({
        sidecarUrl: stack.sidecarUrl,
        adminToken: stack.secrets.SIDECAR_ADMIN_TOKEN,
        issuer: stack.okta.issuer,
        dcrToken: stack.secrets.OKTA_EMULATOR_API_TOKEN,
      });
    } catch (err) {
      console.error(`npm start: registering the local Okta in the sidecar failed: ${err instanceof Error ? err.message : String(err)}`);
      await stack.close();
      process.exit(1);
    }
  }
  if (stopRequested) {
    await stack.close();
    process.exit(0);
  }
  console.log(summary(stack, settings, bootstrapped));
  console.log('[start] ready');
}

main().catch((err: unknown) => {
  console.error(`npm start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
