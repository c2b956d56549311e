// First: V8's heap settings must hold before anything allocates for a request.
import './heap-tuning';
import { buildApp } from './app';
import { ConfigError, loadConfig } from './config';
import { buildPortalApp } from './portal/app';
import { appOptionsFrom, openConfiguredStore, portalOptionsFrom } from './runtime';

/**
 * `npm run sidecar`: settings checked before anything starts, then two listeners on one store until
 * SIGINT/SIGTERM: the sidecar's (admin, developer bearer, gateway) and the portal's (`/api/v2` only).
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`sidecar: cannot start: ${error.message}`);
    process.exit(1);
  }
  const store = await openConfiguredStore(config);
  const app = await buildApp(appOptionsFrom(config, store));
  const portal = await buildPortalApp(portalOptionsFrom(config, store, app.useCases));
  const stop = () => {
    Promise.all([app.close(), portal.close()])
      .then(() => store.close())
      .catch((error: unknown) => {
        console.error('sidecar: failed to stop cleanly:', error instanceof Error ? error.message : error);
        process.exitCode = 1;
      });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await app.listen({ port: config.port, host: config.host });
  await portal.listen({ port: config.portalPort, host: config.portalHost });
}

main().catch((error: unknown) => {
  console.error('sidecar: failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
