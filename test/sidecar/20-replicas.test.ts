import { randomBytes } from 'node:crypto';
import { createCipher, encryptionKey } from '../../sidecar/crypto/cipher';
import { DEFAULTS } from '../../sidecar/defaults';
import { openStore } from '../../sidecar/store';
import { type OktaEmulatorFixture, startOktaEmulator } from '../support/okta-emulator';
import { type TestDatabase, postgresTestDatabase } from '../support/sidecar-databases';
import { oktaStrategy, serviceClient } from '../support/sidecar-fixtures';
import { type SidecarReplicas, adminOf, developerVia, startSidecarReplicas } from '../support/sidecar-replicas';

const CLIENT_NAME_PREFIX = DEFAULTS.clientNamePrefix;

/** The IdP's clients whose name starts with `name` (at most 200). */
const clientsNamed = async (okta: OktaEmulatorFixture, name: string) =>
  (await okta.dcr.request('GET', `?limit=200&q=${encodeURIComponent(name)}`)).data as { client_id: string; client_name: string }[];

describe('two sidecar replicas on one PostgreSQL', () => {
  describe('started at the same moment on an empty schema, next to a migrated one', () => {
    let replicas: SidecarReplicas;
    let neighbour: TestDatabase;
    beforeAll(async () => {
      // Another sidecar's schema in the same database: its migration tables must not be taken for ours.
      neighbour = await postgresTestDatabase();
      const store = openStore({ dialect: neighbour.dialect, cipher: createCipher(encryptionKey(randomBytes(32))) });
      await store.migrate();
      await store.close();
      replicas = await startSidecarReplicas();
    });
    afterAll(async () => {
      await replicas?.stop();
      await neighbour?.dispose();
    });

    it('returns ready from both, their schema migrated once (Kysely takes an advisory lock)', async () => {
      for (const replica of replicas.members) expect((await replica.http.get('/readyz')).status).toBe(200);
      const applied = await replicas.query<{ name: string }>('select name from kysely_migration order by name');
      const names = applied.map((row) => row.name);
      expect(names.length).toBeGreaterThan(0);
      expect(new Set(names).size).toBe(names.length);
    });
  });

  describe('per-developer creation limit', () => {
    let okta: OktaEmulatorFixture;
    let replicas: SidecarReplicas;
    let strategyId: string;

    beforeAll(async () => {
      okta = await startOktaEmulator();
      replicas = await startSidecarReplicas({ SIDECAR_APPLICATION_CREATIONS_PER_HOUR: '20', SIDECAR_IDP_TIMEOUT_MS: '1000' });
      ({ strategyId } = await oktaStrategy(adminOf(replicas), okta));
    });
    afterAll(async () => {
      await replicas?.stop();
      await okta?.stop();
    });
    afterEach(() => okta.control.clearFaults());

    const create = (replica: number, headers: { authorization: string }, name: string) =>
      replicas.members[replica]!.http.post('/v2/applications', { name, auth_strategy_id: strategyId }, { headers });

    it('lets exactly 20 of 50 concurrent creations of one developer through, spread over both replicas', async () => {
      const dev = await developerVia(replicas);
      const name = `burst-${Date.now()}`;
      const burst = await Promise.all(Array.from({ length: 50 }, (_, i) => create(i % 2, dev.headers, name)));
      const statuses = burst.map((response) => response.status);
      expect(statuses.filter((status) => status === 201)).toHaveLength(20);
      expect(statuses.filter((status) => status === 429)).toHaveLength(30);
      expect(await clientsNamed(okta, `${CLIENT_NAME_PREFIX}${name}`)).toHaveLength(20);
      const [{ total }] = await replicas.query<{ total: string }>('select count(*) as total from applications where developer_id = $1', [dev.id]);
      expect(Number(total)).toBe(20);
    });

    it('gives the slot of a registration the IdP refused back', async () => {
      const dev = await developerVia(replicas);
      expect((await Promise.all(Array.from({ length: 19 }, (_, i) => create(i % 2, dev.headers, 'fill')))).every((r) => r.status === 201)).toBe(true);
      await okta.control.fault({ path: '/oauth2/v1/clients', status: 400, body: { error: 'invalid_client_metadata' }, times: 1 });
      expect((await create(0, dev.headers, 'refused')).status).toBe(502);
      expect((await create(1, dev.headers, 'last')).status).toBe(201);
      expect((await create(0, dev.headers, 'over')).status).toBe(429);
    });

    it('frees the slot of a creation whose replica died mid-registration once the IdP deadline is over', async () => {
      const dev = await developerVia(replicas);
      expect((await Promise.all(Array.from({ length: 19 }, (_, i) => create(i % 2, dev.headers, 'fill')))).every((r) => r.status === 201)).toBe(true);
      await okta.control.resetStats();
      await okta.control.fault({ path: '/oauth2/v1/clients', delay_ms: 5_000, times: 1 });
      const dying = create(0, dev.headers, 'dying').catch(() => undefined);
      while ((await okta.control.stats()).clients === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      await replicas.members[0]!.kill();
      await dying;
      expect((await create(1, dev.headers, 'while-held')).status).toBe(429);
      // The slot is held for two IdP deadlines (the registration and a clean-up delete): 2 s here.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect((await create(1, dev.headers, 'after-hold')).status).toBe(201);
    });
  });
});

describe('two sidecar replicas sharing their work', () => {
  let okta: OktaEmulatorFixture;
  let replicas: SidecarReplicas;
  let strategyId: string;

  beforeAll(async () => {
    okta = await startOktaEmulator();
    replicas = await startSidecarReplicas({
      SIDECAR_IDP_TIMEOUT_MS: '1000',
      SIDECAR_HOUSEKEEPING_INTERVAL_MS: '50',
      SIDECAR_LATE_REGISTRATION_CHECK_DELAY_SECONDS: '2',
    });
    ({ strategyId } = await oktaStrategy(adminOf(replicas), okta));
  });
  afterAll(async () => {
    await replicas?.stop();
    await okta?.stop();
  });
  afterEach(() => okta.control.clearFaults());

  const create = (replica: number, headers: Record<string, string>, name: string) =>
    replicas.members[replica]!.http.post('/v2/applications', { name, auth_strategy_id: strategyId }, { headers });
  const count = async (sql: string, values: unknown[]) => Number((await replicas.query<{ n: string }>(sql, values))[0]!.n);
  const until = async (done: () => Promise<boolean>, what: string, timeoutMs = 20_000) => {
    const end = Date.now() + timeoutMs;
    while (!(await done())) {
      if (Date.now() > end) throw new Error(`still waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const logLines = (message: string) =>
    replicas.members.flatMap((replica) => replica.output().split('\n')).filter((line) => line.includes(message)).length;

  it('returns one application and one answer for one Idempotency-Key sent to both replicas at the same moment', async () => {
    const dev = await developerVia(replicas);
    const headers = { ...dev.headers, 'idempotency-key': `same-moment-${Date.now()}` };
    const burst = await Promise.all(Array.from({ length: 10 }, (_, i) => create(i % 2, headers, 'once')));
    // One answer: the same application every time, its secret in the first response only (issue 11: a replay
    // answers without it, and says so).
    const application = ({ client_secret: _secret, replayed: _note, ...rest }: Record<string, unknown>) => JSON.stringify(rest);
    const answers = burst.filter((response) => response.status === 201).map((response) => response.data as Record<string, unknown>);
    expect(answers.length).toBeGreaterThan(0);
    expect(new Set(answers.map(application)).size).toBe(1);
    expect(answers.filter((answer) => answer.client_secret !== undefined)).toHaveLength(1);
    expect(burst.every((response) => response.status === 201 || response.status === 409)).toBe(true);
    const replays = await Promise.all([create(0, headers, 'once'), create(1, headers, 'once')]);
    for (const replay of replays) {
      expect(application(replay.data)).toBe(application(answers[0]!));
      expect(replay.data.client_secret).toBeUndefined();
      expect(replay.data.replayed).toMatch(/secret was in that answer only/);
    }
    expect(await count('select count(*) as n from applications where developer_id = $1', [dev.id])).toBe(1);
    expect(await clientsNamed(okta, `${CLIENT_NAME_PREFIX}once`)).toHaveLength(1);
  });

  it('retries each pending deletion once across both replicas', async () => {
    const dev = await developerVia(replicas);
    const apps = await Promise.all(Array.from({ length: 10 }, (_, i) => create(i % 2, dev.headers, `doomed-${i}`)));
    await okta.control.fault({ path: '/oauth2/v1/clients/', status: 500, times: 10 });
    const deletions = await Promise.all(
      apps.map((app, i) => replicas.members[i % 2]!.http.delete(`/v2/applications/${app.data.id}`, { headers: dev.headers })),
    );
    expect(deletions.map((response) => response.status)).toEqual(Array(10).fill(202));
    await okta.control.resetStats();
    // Slow deletes, so that both replicas' passes (every 50 ms) overlap while the retries are due.
    await okta.control.fault({ path: '/oauth2/v1/clients/', delay_ms: 200 });
    await until(async () => (await count('select count(*) as n from applications where developer_id = $1', [dev.id])) === 0, 'the retries');
    expect((await okta.control.stats()).clients).toBe(10);
  });

  it('checks each registration that got no answer once across both replicas', async () => {
    const dev = await developerVia(replicas);
    const name = `late-${Date.now()}`;
    await okta.control.fault({ path: '/oauth2/v1/clients', delay_ms: 1_500, times: 6 });
    const attempts = await Promise.all(Array.from({ length: 6 }, (_, i) => create(i % 2, dev.headers, `${name}-${i}`)));
    expect(attempts.map((response) => response.status)).toEqual(Array(6).fill(503));
    const checksLeft = () => count('select count(*) as n from registration_checks where client_name like $1', [`${CLIENT_NAME_PREFIX}${name}-%`]);
    expect(await checksLeft()).toBe(6);
    // What Okta does when it finishes a registration after we stopped waiting: a client of that name appears.
    await okta.control.clearFaults();
    for (let i = 0; i < 6; i += 1) await okta.dcr.createClient(serviceClient(`${CLIENT_NAME_PREFIX}${name}-${i}`));
    // Slow listings, so that both replicas' passes overlap while the checks are due.
    await okta.control.fault({ path: '/oauth2/v1/clients', delay_ms: 200 });
    await until(async () => (await checksLeft()) === 0, 'the checks');
    await okta.control.clearFaults();
    expect(await clientsNamed(okta, `${CLIENT_NAME_PREFIX}${name}`)).toHaveLength(0);
    expect(logLines('deleted an IdP client registered after its request had failed')).toBe(6);
  });
});
