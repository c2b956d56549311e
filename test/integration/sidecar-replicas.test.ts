import { CLIENT_NAME_PREFIX } from '../../sidecar/domain/applications';
import { type OktaEmulatorFixture, startOktaEmulator } from '../support/okta-emulator';
import { oktaStrategy } from '../support/sidecar-fixtures';
import { type SidecarReplicas, adminOf, developerVia, startSidecarReplicas } from '../support/sidecar-replicas';

/** The IdP's clients whose name starts with `name` (at most 200). */
const clientsNamed = async (okta: OktaEmulatorFixture, name: string) =>
  (await okta.dcr.request('GET', `?limit=200&q=${encodeURIComponent(name)}`)).data as { client_id: string; client_name: string }[];

describe('two sidecar replicas on one PostgreSQL', () => {
  describe('started at the same moment on an empty database', () => {
    let replicas: SidecarReplicas;
    beforeAll(async () => {
      replicas = await startSidecarReplicas();
    });
    afterAll(() => replicas?.stop());

    it('returns ready from both, the schema migrated once (Kysely takes an advisory lock)', async () => {
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
