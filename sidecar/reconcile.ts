import { ConfigError, loadConfig } from './config';
import { dcrProviderService } from './domain/dcr-providers';
import { reconciler } from './domain/reconcile';
import { drivers } from './idp/registry';
import { openConfiguredStore } from './runtime';
import { RECONCILE_COMMAND } from './store/audit';

/**
 * `npm run reconcile [--fix] [-- --grace-seconds=N]`: prints, as JSON, each provider's orphaned clients (our
 * prefix, no application) and missing clients; with --fix deletes the orphans older than the grace period
 * (default 300 s). Exit code 1 when a provider could not be checked.
 */
async function main(): Promise<void> {
  // `npm run reconcile --fix` hands the flag to npm, which passes it on as npm_config_fix.
  const fix = process.argv.includes('--fix') || process.env.npm_config_fix === 'true';
  const grace = process.argv.find((arg) => arg.startsWith('--grace-seconds='))?.split('=')[1];
  const graceSeconds = grace === undefined ? undefined : Number(grace);
  if (graceSeconds !== undefined && (!Number.isInteger(graceSeconds) || graceSeconds < 0)) {
    throw new Error('--grace-seconds must be a whole number');
  }
  const config = loadConfig();
  const store = await openConfiguredStore(config);
  try {
    const providers = dcrProviderService(store, drivers, { timeoutMs: config.idpTimeoutMs });
    const { data } = await reconciler(store, providers, config.clientNamePrefix).reconcile({ fix, graceSeconds }, RECONCILE_COMMAND);
    process.stdout.write(`${JSON.stringify({ fix, data }, null, 2)}\n`);
    process.exitCode = data.some((r) => r.status === 'failed') ? 1 : 0;
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  console.error(`reconcile: ${error instanceof ConfigError ? 'bad configuration: ' : ''}${(error as Error).message}`);
  process.exit(1);
});
