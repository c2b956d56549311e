/**
 * Registrations per second through two sidecar replicas on one PostgreSQL schema, against the local Okta-compatible
 * server (its DCR rate limit off): POST /v2/applications with CONCURRENCY in flight, alternating replicas. The same
 * number of DCR calls sent straight to the server at the same concurrency gives the IdP's own time; the difference
 * is the sidecar's share. Prints figures; asserts nothing.
 * Run after `npm run build`: node dist/bench/sidecar-registrations.js [registrations]
 */
import { performance } from 'node:perf_hooks';
import { startOktaEmulator } from '../devstack/okta-emulator';
import { agent, benchSecrets, created, postgresDatabase, request, startBenchSidecar } from './sidecar-kit';

const REGISTRATIONS = Number(process.argv[2] ?? 400);
const CONCURRENCY = 16;

/** Runs `task` REGISTRATIONS times, CONCURRENCY at once; returns the rate per second. */
async function perSecond(task: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REGISTRATIONS) await task(next++);
    }),
  );
  return (REGISTRATIONS / (performance.now() - started)) * 1000;
}

async function main(): Promise<void> {
  const okta = await startOktaEmulator({ port: 0, dcrRateLimitPerMinute: 0 });
  const database = await postgresDatabase();
  const secrets = benchSecrets();
  const env = { SIDECAR_APPLICATION_CREATIONS_PER_HOUR: String(REGISTRATIONS) };
  const replicas = await Promise.all([startBenchSidecar(database, secrets, env), startBenchSidecar(database, secrets, env)]);
  try {
    const [first] = replicas;
    const provider = await created(first!.url, '/v2/dcr-providers', secrets.adminToken, {
      name: 'bench-okta',
      provider_type: 'okta',
      issuer: okta.issuer,
      dcr_config: { dcr_token: okta.apiToken },
    });
    const strategy = await created(first!.url, '/v2/application-auth-strategies', secrets.adminToken, {
      name: 'bench-dcr',
      display_name: 'Bench DCR',
      strategy_type: 'openid_connect',
      configs: { 'openid-connect': { issuer: okta.issuer } },
      dcr_provider_id: provider.id,
    });
    const developer = await created(first!.url, '/v2/developers', secrets.adminToken, { email: 'bench@example.com', full_name: 'Bench' });

    const direct = await perSecond(async (i) => {
      const response = await request(okta.orgUrl, 'POST', '/oauth2/v1/clients', `SSWS ${okta.apiToken}`, {
        client_name: `direct-${i}`,
        application_type: 'service',
        grant_types: ['client_credentials'],
        response_types: ['token'],
        token_endpoint_auth_method: 'client_secret_basic',
      });
      if (response.status !== 201) throw new Error(`direct DCR: HTTP ${response.status} ${response.body}`);
    });
    const throughSidecars = await perSecond(async (i) => {
      const replica = replicas[i % replicas.length]!;
      await created(replica.url, '/v2/applications', developer.token!, { name: `bench-${i}`, auth_strategy_id: strategy.id });
    });
    console.log(`registrations, ${REGISTRATIONS} with ${CONCURRENCY} in flight, local Okta-compatible server, PostgreSQL`);
    console.log(`through two sidecar replicas  ${throughSidecars.toFixed(0).padStart(5)} /s  (${(1000 / throughSidecars).toFixed(2)} ms each)`);
    console.log(`straight to the server        ${direct.toFixed(0).padStart(5)} /s  (${(1000 / direct).toFixed(2)} ms each)`);
    // Time per registration through the sidecars minus the server's own, as a share of the former.
    console.log(`the sidecars' share of the time per registration: ${((1 - throughSidecars / direct) * 100).toFixed(0)} %`);
  } finally {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await database.dispose();
    await okta.close();
    agent.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
