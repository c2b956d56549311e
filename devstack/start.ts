// `npm start`: the whole journey on loopback with local defaults, nothing to configure.
import path from 'node:path';
import { SettingsError, loadStackSettings } from './stack/settings';
import { startStack, type RunningStack } from './stack/start-stack';
import { SECRETS_FILE } from './stack/secrets';
import type { StackSettings } from './stack/settings';

const REPO_ROOT = path.resolve(__dirname, '../..');

function summary(stack: RunningStack, settings: StackSettings): string {
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

  try {
    stack = await startStack(settings, { dist: path.join(REPO_ROOT, 'dist') }, progress);
  } catch (err) {
    console.error(`npm start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
  if (stopRequested) {
    await stack.close();
    process.exit(0);
  }
  console.log(summary(stack, settings));
  console.log('[start] ready');
}

main().catch((err: unknown) => {
  console.error(`npm start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
