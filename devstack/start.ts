// `npm start`: the whole journey on loopback with local defaults, nothing to configure.
import path from 'node:path';
import { bootstrapLocalOkta, type Bootstrapped } from './stack/bootstrap';
import { SettingsError, loadStackSettings } from './stack/settings';
import { startStack, type RunningStack } from './stack/start-stack';
import { SECRETS_FILE } from './stack/secrets';
import type { StackSettings } from './stack/settings';

const REPO_ROOT = path.resolve(__dirname, '../..');

/** One indented line of the summary: a label, then what it is. */
const detail = (label: string, text: string) => `      ${label.padEnd(27)}${text}`;
const itemLine = (label: string, { name, id, created }: Bootstrapped['provider']) => detail(label, `${name}  (id ${id}, ${created ? 'created now' : 'from a previous run'})`);

function bootstrapLines(bootstrapped: Bootstrapped | undefined): string[] {
  if (!bootstrapped) return [];
  return [itemLine('DCR provider', bootstrapped.provider), itemLine('auth strategy', bootstrapped.strategy)];
}

/** The demo API and its publication as the sidecar has them (a previous run's is left as it is). */
function publishedLines(bootstrapped: Bootstrapped | undefined): string[] {
  if (!bootstrapped) return [];
  const { api, publication } = bootstrapped;
  const strategies = publication.auth_strategy_names;
  const strategyText = strategies.length ? `auth strategy ${strategies.join(', ')}` : 'no auth strategy';
  const approve = publication.auto_approve_registrations;
  const approval =
    approve === null ? "registrations approved as the auth strategy's auto_approve says" : approve ? 'registrations approved at once' : "registrations wait for an admin's approval";
  const when = publication.created ? 'published now' : 'published by a previous run';
  return [itemLine('published API', api), detail('', `${publication.visibility}, ${strategyText}, ${approval}  (${when})`)];
}

/** How a sign-up goes, and which of its settings are npm start's for the local journey rather than the environment's. */
function signUpLines(stack: RunningStack, settings: StackSettings): string[] {
  const { autoApproveDevelopers, requireEmailVerification } = stack.accounts;
  const values: Record<string, boolean> = {
    PORTAL_AUTO_APPROVE_DEVELOPERS: autoApproveDevelopers,
    PORTAL_REQUIRE_EMAIL_VERIFICATION: requireEmailVerification,
  };
  const assignments = (names: string[]) => names.map((name) => `${name}=${values[name]}`).join(' ');
  const ours = Object.keys(values).filter((name) => name in settings.localJourneyAccounts);
  const yours = Object.keys(values).filter((name) => !ours.includes(name));
  const steps = [requireEmailVerification ? 'email verified by a link' : 'no email link', autoApproveDevelopers ? 'approved at once' : 'pending until an admin approves'];
  return [
    detail('a developer who signs up', steps.join(', ')),
    ...(ours.length ? [detail('', `npm start sets ${assignments(ours)} for the local journey (production: email verified, then pending until an admin approves)`)] : []),
    ...(yours.length ? [detail('', `from your environment: ${assignments(yours)}`)] : []),
    detail('mail', stack.mailFolder ? `${stack.mailFolder}  (one .eml file per mail; SMTP_URL sends them instead)` : 'sent over SMTP_URL'),
  ];
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
    `  Admin console                  ${stack.sidecarUrl}/admin/   (field Admin token: SIDECAR_ADMIN_TOKEN of ${secretsFile})`,
    ...bootstrapLines(bootstrapped),
    `  Developer portal               ${stack.portalUrl}   (Portal API v2 under /api/v2, e.g. ${stack.portalUrl}/api/v2/portal)`,
    ...signUpLines(stack, settings),
    ...publishedLines(bootstrapped),
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
    progress('sidecar: looking up (or creating) the local Okta provider and auth strategy, and the demo API\'s publication');
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
