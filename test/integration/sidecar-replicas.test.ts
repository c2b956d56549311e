import { startSidecarReplicas, type SidecarReplicas } from '../support/sidecar-replicas';

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
});
