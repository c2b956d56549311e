/**
 * Registrations per second through two sidecar replicas on one PostgreSQL schema, against the local Okta-compatible
 * server (its DCR rate limit off): POST /v2/applications with CONCURRENCY in flight, alternating replicas, spread
 * over DEVELOPERS developers as a portal's traffic is (one developer's creations queue on that developer's row lock,
 * which reserves their creation slots one at a time: that measures the lock, not the sidecar). The same
 * number of DCR calls sent straight to the server at the same concurrency gives the IdP's own time; the difference
 * is the sidecar's share. The replicas' CPU per registration (from /proc) is printed too: it holds on a busy machine,
 * where the rates mostly measure the neighbours. Prints figures; asserts nothing.
 * Run after `npm run build`: node dist/bench/sidecar-registrations.js [registrations]
 */
import { performance } from 'node:perf_hooks';
import { startOktaEmulator } from '../devstack/okta-emulator';
import { agent, benchSecrets, cpuMs, created, postgresDatabase, request, startBenchSidecar } from './sidecar-kit';

const REGISTRATIONS = Number(process.argv[2] ?? 400);
const CONCURRENCY = 16;
const DEVELOPERS = 40;

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
    const developers: Awaited<ReturnType<typeof created>>[] = [];
    for (let i = 0; i < DEVELOPERS; i += 1) {
      developers.push(await created(first!.url, '/v2/developers', secrets.adminToken, { email: `bench-${i}@example.com`, full_name: `Bench ${i}` }));
    }

    const benchCpuBefore = process.cpuUsage();
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
    // This process: the server and the client both, so an upper bound of the server's own CPU.
    const benchCpu = process.cpuUsage(benchCpuBefore);
    const replicasCpu = () => replicas.reduce((sum, replica) => sum + (cpuMs(replica.pid) ?? Number.NaN), 0);
    const replicasCpuBefore = replicasCpu();
    const throughSidecars = await perSecond(async (i) => {
      const replica = replicas[i % replicas.length]!;
      const developer = developers[i % DEVELOPERS]!;
      await created(replica.url, '/v2/applications', developer.token!, { name: `bench-${i}`, auth_strategy_id: strategy.id });
    });
    const replicasCpuPerRegistration = (replicasCpu() - replicasCpuBefore) / REGISTRATIONS;
    console.log(
      `registrations, ${REGISTRATIONS} with ${CONCURRENCY} in flight over ${DEVELOPERS} developers, local Okta-compatible server, PostgreSQL`,
    );
    console.log(`through two sidecar replicas  ${throughSidecars.toFixed(0).padStart(5)} /s  (${(1000 / throughSidecars).toFixed(2)} ms each)`);
    console.log(`straight to the server        ${direct.toFixed(0).padStart(5)} /s  (${(1000 / direct).toFixed(2)} ms each)`);
    console.log(`the replicas' CPU per registration: ${replicasCpuPerRegistration.toFixed(2)} ms`);
    console.log(`the server's and client's CPU per direct DCR call: ${((benchCpu.user + benchCpu.system) / 1000 / REGISTRATIONS).toFixed(2)} ms`);
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
