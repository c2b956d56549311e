/**
 * Nothing lost under faults and load (issue 12): 1,000 application creations over 50 developers (20 each, their
 * limit), spread over two sidecar processes on one PostgreSQL, against the local Okta-compatible server injecting
 * seeded random faults on its DCR API (timeouts after creating the client, 5xx before and after, 429 with
 * Retry-After, connections dropped before and after). Each creation has its Idempotency-Key and is retried with
 * it; one replica is killed mid-burst and restarted. Once the replicas' own background passes have no work left,
 * the IdP's clients and the database agree exactly. Prints what it injected and retried, and its wall time.
 */
import { randomBytes } from 'node:crypto';
import axios, { type AxiosResponse } from 'axios';
import { DEFAULTS } from '../../sidecar/defaults';
import type { RandomFaultOptions } from '../../devstack/okta-emulator/random-faults';
import { type OktaEmulatorFixture, startOktaEmulator } from '../support/okta-emulator';
import { oktaStrategy } from '../support/sidecar-fixtures';
import { type SidecarReplica, type SidecarReplicas, adminOf, developerVia, startSidecarReplicas } from '../support/sidecar-replicas';

const DEVELOPERS = 50;
const PER_DEVELOPER = 20;
/** Creations in flight at once, over both replicas. */
const CONCURRENCY = 40;
/** The burst kills replica 1 once this many creations have succeeded. */
const KILL_AFTER = 300;
const IDP_TIMEOUT_MS = 1_500;

const FAULTS: RandomFaultOptions = {
  seed: 12,
  probabilities: { timeout_after: 0.02, error_before: 0.02, error_after: 0.02, rate_limited: 0.02, drop_before: 0.02, drop_after: 0.02 },
  // Past the sidecar's IdP deadline: the sidecar gives up first.
  hang_ms: 2 * IDP_TIMEOUT_MS,
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Job {
  index: number;
  key: string;
  name: string;
  developer: { id: string; headers: { authorization: string } };
}

describe('1,000 creations over two replicas under injected IdP faults and a replica killed mid-burst', () => {
  let okta: OktaEmulatorFixture;
  let replicas: SidecarReplicas;
  let strategyId: string;
  const run = randomBytes(3).toString('hex');
  const namePrefix = `${DEFAULTS.clientNamePrefix}load-${run}-`;

  beforeAll(async () => {
    okta = await startOktaEmulator({ randomFaults: FAULTS });
    replicas = await startSidecarReplicas({
      SIDECAR_APPLICATION_CREATIONS_PER_HOUR: String(PER_DEVELOPER),
      SIDECAR_IDP_TIMEOUT_MS: String(IDP_TIMEOUT_MS),
      SIDECAR_HOUSEKEEPING_INTERVAL_MS: '100',
      SIDECAR_LATE_REGISTRATION_CHECK_DELAY_SECONDS: '1',
    });
    ({ strategyId } = await oktaStrategy(adminOf(replicas), okta));
  }, 60_000);
  afterAll(async () => {
    await replicas?.stop();
    await okta?.stop();
  }, 60_000);

  const count = async (sql: string, values: unknown[] = []) => Number((await replicas.query<{ n: string }>(sql, values))[0]!.n);

  /** Every client at the IdP whose name starts with `prefix`, through its paging. */
  const idpClients = async (prefix: string) => {
    const clients: { client_id: string; client_name: string }[] = [];
    let subpath = `?limit=200&q=${encodeURIComponent(prefix)}`;
    for (;;) {
      const page = await okta.dcr.request('GET', subpath);
      expect(page.status).toBe(200);
      clients.push(...(page.data as { client_id: string; client_name: string }[]));
      const next = /<([^>]+)>\s*;\s*rel="next"/.exec(String(page.headers.link ?? ''))?.[1];
      if (!next) return clients;
      subpath = new URL(next).search;
    }
  };

  it('ends with exactly one application per Idempotency-Key, each with its own IdP client, and no client left over', async () => {
    const started = Date.now();
    const developers = [];
    for (let i = 0; i < DEVELOPERS; i += 1) developers.push(await developerVia(replicas));
    const jobs: Job[] = developers.flatMap((developer, d) =>
      Array.from({ length: PER_DEVELOPER }, (_, n) => ({ index: d * PER_DEVELOPER + n, key: `${run}-${d}-${n}`, name: `load-${run}-${d}-${n}`, developer })),
    );

    // Replica 1 is replaced by a fresh process after the kill; until then its slot points at a dead port.
    const targets: SidecarReplica[] = [...replicas.members];
    const inFlight = [new Set<string>(), new Set<string>()];
    const retries: Record<string, number> = {};
    const retried = (why: string) => (retries[why] = (retries[why] ?? 0) + 1);
    const waitedOutLease = new Set<string>();
    let succeeded = 0;
    let killedInFlight: string[] = [];
    let kill: Promise<void> | undefined;

    const attempt = async (job: Job, target: number): Promise<AxiosResponse | string> => {
      inFlight[target]!.add(job.key);
      try {
        return await targets[target]!.http.post(
          '/v2/applications',
          { name: job.name, auth_strategy_id: strategyId },
          { headers: { ...job.developer.headers, 'idempotency-key': job.key }, timeout: 30_000 },
        );
      } catch (error) {
        // No answer (refused, reset, hung up): the request may or may not have happened; the key makes a retry safe.
        if (axios.isAxiosError(error) && error.response === undefined) return `connection ${error.code ?? error.message}`;
        throw error;
      } finally {
        inFlight[target]!.delete(job.key);
      }
    };

    // The first failure stops every worker: the test ends with it rather than with its timeout.
    let failed = false;
    /** One key's creation, retried with the same key on the other replica after a little backoff. */
    const createWithRetries = async (job: Job) => {
      for (let tries = 0; tries < 200; tries += 1) {
        if (failed) throw new Error(`${job.key}: stopped, another creation failed`);
        const outcome = await attempt(job, (job.index + tries) % 2);
        if (typeof outcome !== 'string' && outcome.status === 201) {
          succeeded += 1;
          return outcome.data as { id: string; client_id: string; client_secret?: string };
        }
        if (typeof outcome === 'string') retried(outcome);
        else if (outcome.status === 409 || outcome.status >= 500) {
          retried(`HTTP ${outcome.status}`);
          if (outcome.status === 409 && killedInFlight.includes(job.key)) waitedOutLease.add(job.key);
        } else {
          throw new Error(`${job.key}: HTTP ${outcome.status} ${JSON.stringify(outcome.data)}`);
        }
        await sleep(Math.min(1_000, 50 * 2 ** Math.min(tries, 5)));
      }
      throw new Error(`${job.key}: no application after 200 tries`);
    };

    const results = new Map<string, { id: string; client_id: string; client_secret?: string }>();
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        results.set(job.key, await createWithRetries(job));
        if (succeeded >= KILL_AFTER && !kill && inFlight[1]!.size > 0) {
          killedInFlight = [...inFlight[1]!];
          kill = (async () => {
            await targets[1]!.kill();
            targets[1] = await replicas.startAnother();
          })();
        }
      }
    };
    const burst = await Promise.allSettled(
      Array.from({ length: CONCURRENCY }, () =>
        worker().catch((error: unknown) => {
          failed = true;
          throw error;
        }),
      ),
    );
    // The restarted replica joins `replicas` (and so is stopped with them) even when the burst failed.
    await kill;
    const failure = burst.find((outcome) => outcome.status === 'rejected');
    if (failure) throw (failure as PromiseRejectedResult).reason;
    const burstMs = Date.now() - started;

    // The burst is over: the IdP behaves from now on, and the replicas' passes (every 100 ms) finish what is left.
    const injected = await okta.control.stopRandomFaults();
    const pendingWork = async () =>
      (await count('select count(*) as n from registration_checks')) +
      (await count("select count(*) as n from applications where status = 'pending_deletion'")) +
      (await count('select count(*) as n from application_creations where reserved_until is not null')) +
      (await count('select count(*) as n from idempotency_keys where response is null'));
    while ((await pendingWork()) > 0) await sleep(200);
    const wallMs = Date.now() - started;

    const applications = await replicas.query<{ name: string; client_id: string; developer_id: string }>(
      'select name, client_id, developer_id from applications where name like $1',
      [`load-${run}-%`],
    );
    const clients = await idpClients(namePrefix);
    const lateDeletions = replicas.members
      .flatMap((replica) => replica.output().split('\n'))
      .filter((line) => line.includes('deleted an IdP client registered after its request had failed')).length;
    process.stdout.write(
      `${JSON.stringify({
        creations: jobs.length,
        developers: DEVELOPERS,
        concurrency: CONCURRENCY,
        dcrRequests: injected.requests,
        faultsInjected: injected.injected,
        clientRetries: retries,
        killedInFlight: killedInFlight.length,
        waitedOutLease: waitedOutLease.size,
        lateRegistrationDeletions: lateDeletions,
        burstMs,
        wallMs,
      })}\n`,
    );

    // Every kind of fault happened, and one replica died with creations in flight, some of which waited out the lease.
    for (const kind of Object.keys(FAULTS.probabilities)) expect(injected.injected[kind as keyof typeof injected.injected]).toBeGreaterThan(0);
    expect(killedInFlight.length).toBeGreaterThan(0);
    expect(waitedOutLease.size).toBeGreaterThan(0);

    // Every key: one application, the one its answer named (no duplicate, none lost).
    expect(results.size).toBe(jobs.length);
    expect(applications).toHaveLength(jobs.length);
    const byName = new Map(applications.map((application) => [application.name, application]));
    for (const job of jobs) {
      const application = byName.get(job.name);
      expect(application?.developer_id).toBe(job.developer.id);
      expect(application?.client_id).toBe(results.get(job.key)!.client_id);
    }
    expect(await count('select count(*) as n from idempotency_keys where key like $1', [`${run}-%`])).toBe(jobs.length);
    // Each developer's slots: all 20 completed, none held or leaked.
    for (const developer of developers) {
      expect(await count('select count(*) as n from application_creations where developer_id = $1', [developer.id])).toBe(PER_DEVELOPER);
    }

    // The IdP and the database agree exactly: no orphan client, no application without its client.
    expect(new Set(clients.map((client) => client.client_id))).toEqual(new Set(applications.map((application) => application.client_id)));
    expect(clients).toHaveLength(applications.length);
  }, 300_000);
});
