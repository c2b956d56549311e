import { randomBytes } from 'node:crypto';
import { createCipher, encryptionKey } from '../../sidecar/crypto/cipher';
import { type Store, openStore } from '../../sidecar/store';
import { StoreConstraintError } from '../../sidecar/store/errors';
import { type TestDatabase, testDatabases } from '../support/sidecar-databases';

describe.each(testDatabases)('sidecar store on %s', (_name, createDatabase) => {
  let database: TestDatabase;
  let store: Store;
  let clock: Date;

  beforeAll(async () => {
    database = await createDatabase();
    clock = new Date('2026-01-01T00:00:00Z');
    store = openStore({ dialect: database.dialect, cipher: createCipher(encryptionKey(randomBytes(32))), now: () => clock });
    await store.migrate();
  });

  afterAll(async () => {
    await store.close();
    await database.dispose();
  });

  const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

  it('migrates a second database beside one already migrated (PostgreSQL: another schema holds migration tables)', async () => {
    const other = await createDatabase();
    const second = openStore({ dialect: other.dialect, cipher: createCipher(encryptionKey(randomBytes(32))) });
    try {
      await second.migrate();
      await second.migrate();
      expect(await second.developers.list({ number: 1, size: 1 })).toEqual({ items: [], total: 0 });
    } finally {
      await second.close();
      await other.dispose();
    }
  });
  const provider = () =>
    store.providers.create({
      name: unique('okta'),
      display_name: null,
      provider_type: 'okta',
      issuer: 'https://acme.okta.com/oauth2/default',
      dcr_config: {},
      dcr_secrets: { dcr_token: unique('token') },
      labels: { team: 'a' },
    });
  const strategy = (dcrProviderId: string | null) =>
    store.strategies.create({
      name: unique('strategy'),
      display_name: 'Strategy',
      strategy_type: 'openid_connect',
      configs: { 'openid-connect': { issuer: 'https://acme.okta.com/oauth2/default' } },
      dcr_provider_id: dcrProviderId,
      auto_approve: false,
    });
  const developer = () =>
    store.developers.create({ email: `${unique('dev')}@example.com`, full_name: 'Dev', token_hash: unique('hash') });
  const application = async (developerId: string, strategyId: string) =>
    store.applications.create({
      developer_id: developerId,
      auth_strategy_id: strategyId,
      name: 'app',
      description: null,
      client_id: unique('0oa'),
      redirect_uris: [],
      idp_secrets: { registration_access_token: unique('rat') },
    });

  it('migrates an already migrated database without error', async () => {
    await expect(store.migrate()).resolves.toBeUndefined();
  });

  it('answers a ping when the database is reachable', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('returns a created provider with its secrets decrypted and its JSON parsed', async () => {
    const created = await provider();
    const read = await store.providers.get(created.id);
    expect(read).toEqual(created);
    expect(read?.dcr_secrets.dcr_token).toMatch(/^token-/);
    expect(read?.labels).toEqual({ team: 'a' });
  });

  it('stores no secret in plaintext', async () => {
    const created = await provider();
    const dev = await developer();
    const app = await application(dev.id, (await strategy(created.id)).id);
    const claim = await store.idempotency.claim(dev.id, 'key-1', 'hash', 60_000, 10_000);
    if (claim.state !== 'claimed') throw new Error('key-1 was not free');
    expect(await store.idempotency.complete(dev.id, 'key-1', claim.token, { client_secret: 'idempotent-secret-value' })).toBe(true);
    const raw = await database.rawContents();
    expect(raw).not.toContain(created.dcr_secrets.dcr_token);
    expect(raw).not.toContain(app.idp_secrets?.registration_access_token);
    expect(raw).not.toContain('idempotent-secret-value');
    expect(raw).toContain(created.name);
  });

  it('throws a unique violation for a second provider with the same name', async () => {
    const created = await provider();
    await expect(store.providers.create({ ...created, name: created.name })).rejects.toMatchObject({
      violation: 'unique',
    });
  });

  it('updates only the given provider fields and keeps the stored secrets', async () => {
    const created = await provider();
    clock = new Date(clock.getTime() + 1000);
    const updated = await store.providers.update(created.id, { display_name: 'Shown' });
    expect(updated).toMatchObject({ display_name: 'Shown', name: created.name, dcr_secrets: created.dcr_secrets });
    expect(updated?.updated_at).not.toBe(created.updated_at);
  });

  it('returns undefined for an unknown id and false when deleting it', async () => {
    expect(await store.providers.get('00000000-0000-0000-0000-000000000000')).toBeUndefined();
    expect(await store.providers.delete('00000000-0000-0000-0000-000000000000')).toBe(false);
  });

  it('refuses to delete a provider that a strategy uses, with a foreign key violation', async () => {
    const created = await provider();
    await strategy(created.id);
    const error = await store.providers.delete(created.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreConstraintError);
    expect(error).toMatchObject({ violation: 'foreign_key' });
  });

  it('pages lists oldest first and reports the total', async () => {
    const before = (await store.developers.list({ number: 1, size: 1 })).total;
    const created = [];
    for (let i = 0; i < 3; i += 1) {
      clock = new Date(clock.getTime() + 1000);
      created.push(await developer());
    }
    const all = await store.developers.list({ number: 1, size: 100 });
    expect(all.total).toBe(before + 3);
    const last = await store.developers.list({ number: before + 3, size: 1 });
    expect(last.items).toEqual([created[2]]);
    expect((await store.developers.list({ number: before + 4, size: 1 })).items).toEqual([]);
  });

  it('finds a developer by token hash and forgets the old hash after a replacement', async () => {
    const dev = await developer();
    await store.developers.replaceTokenHash(dev.id, 'new-hash-' + dev.id);
    expect(await store.developers.getByTokenHash('new-hash-' + dev.id)).toMatchObject({ id: dev.id });
    expect(dev).not.toHaveProperty('token_hash');
  });

  it('lists only the developer own applications and finds one by client id', async () => {
    const s = await strategy(null);
    const [a, b] = [await developer(), await developer()];
    const appA = await application(a.id, s.id);
    await application(b.id, s.id);
    const listed = await store.applications.list({ number: 1, size: 10 }, { developer_id: a.id });
    expect(listed).toEqual({ items: [appA], total: 1 });
    expect(await store.applications.getByClientId(appA.client_id)).toEqual(appA);
  });

  it('throws a unique violation for a second application with the same client id', async () => {
    const s = await strategy(null);
    const dev = await developer();
    const app = await application(dev.id, s.id);
    await expect(
      store.applications.create({ ...app, idp_secrets: null, client_id: app.client_id }),
    ).rejects.toMatchObject({ violation: 'unique' });
  });

  it('returns pending deletions once they are due, counting attempts', async () => {
    const dev = await developer();
    const app = await application(dev.id, (await strategy(null)).id);
    const retryAt = new Date(clock.getTime() + 60_000);
    const marked = await store.applications.markDeletionFailed(app.id, 'IdP said no', retryAt);
    expect(marked).toMatchObject({ status: 'pending_deletion', deletion_attempts: 1, last_error: 'IdP said no' });
    const claim = (at: Date) => store.applications.claimDueForDeletion(at, new Date(at.getTime() + 30_000));
    expect(await claim(clock)).toBeUndefined();
    expect(await claim(retryAt)).toMatchObject({ id: app.id, deletion_attempts: 1 });
  });

  it('gives a due deletion to one claim only until its lease is over', async () => {
    const dev = await developer();
    const app = await application(dev.id, (await strategy(null)).id);
    await store.applications.markDeletionFailed(app.id, 'IdP said no', clock);
    const leaseUntil = new Date(clock.getTime() + 30_000);
    const claims = await Promise.all([1, 2, 3].map(() => store.applications.claimDueForDeletion(clock, leaseUntil)));
    expect(claims.filter((claim) => claim?.id === app.id)).toHaveLength(1);
    expect(await store.applications.claimDueForDeletion(new Date(leaseUntil.getTime() - 1), leaseUntil)).toBeUndefined();
    expect(await store.applications.claimDueForDeletion(leaseUntil, new Date(leaseUntil.getTime() + 30_000))).toMatchObject({ id: app.id });
    await store.applications.delete(app.id);
  });

  it('deletes the registrations with their application and lists approved services only', async () => {
    const dev = await developer();
    const app = await application(dev.id, (await strategy(null)).id);
    const orders = await store.registrations.create(app.id, 'orders', 'pending');
    await store.registrations.create(app.id, 'billing', 'approved');
    await store.registrations.transition(app.id, orders.id, 'pending', 'approved');
    expect(await store.applications.gatewayMapping(app.client_id)).toEqual({
      application: { id: app.id, name: app.name, status: 'active' },
      developer: { id: dev.id, email: dev.email, status: 'approved' },
      services: ['billing', 'orders'],
    });
    await expect(store.registrations.create(app.id, 'orders', 'pending')).rejects.toMatchObject({
      violation: 'unique',
    });
    await store.applications.delete(app.id);
    expect(await store.registrations.get(app.id, orders.id)).toBeUndefined();
  });

  it('claims an idempotency key once, reports it in flight, then completed, then free after expiry', async () => {
    const dev = await developer();
    const claim = (hash: string) => store.idempotency.claim(dev.id, 'k', hash, 60_000, 10_000);
    const first = { state: 'claimed', token: clock.toISOString() };
    expect(await claim('h1')).toEqual(first);
    expect(await claim('h2')).toEqual({ state: 'in_flight', requestHash: 'h1' });
    expect(await store.idempotency.complete(dev.id, 'k', first.token, { id: 'app' })).toBe(true);
    clock = new Date(clock.getTime() + 10_000);
    expect(await claim('h1')).toEqual({ state: 'completed', requestHash: 'h1', response: { id: 'app' } });
    clock = new Date(clock.getTime() + 50_001);
    const third = { state: 'claimed', token: clock.toISOString() };
    expect(await claim('h3')).toEqual(third);
    await store.idempotency.release(dev.id, 'k', third.token);
    expect(await claim('h4')).toEqual({ state: 'claimed', token: clock.toISOString() });
  });

  it('lets a retry take over a claim whose request never finished once its lease is over, fencing the first out', async () => {
    const dev = await developer();
    const claim = (hash: string) => store.idempotency.claim(dev.id, 'stuck', hash, 60_000, 10_000);
    const first = clock.toISOString();
    expect(await claim('h1')).toEqual({ state: 'claimed', token: first });
    clock = new Date(clock.getTime() + 9_999);
    expect(await claim('h1')).toEqual({ state: 'in_flight', requestHash: 'h1' });
    clock = new Date(clock.getTime() + 1);
    const second = clock.toISOString();
    expect(await claim('h1')).toEqual({ state: 'claimed', token: second });
    // The first request, finishing after all, neither keeps its response nor frees the retry's claim.
    expect(await store.idempotency.complete(dev.id, 'stuck', first, { id: 'late' })).toBe(false);
    await store.idempotency.release(dev.id, 'stuck', first);
    expect(await claim('h1')).toEqual({ state: 'in_flight', requestHash: 'h1' });
    expect(await store.idempotency.complete(dev.id, 'stuck', second, { id: 'app' })).toBe(true);
    expect(await claim('h1')).toEqual({ state: 'completed', requestHash: 'h1', response: { id: 'app' } });
  });

  it('returns registration checks once due, one claim each until the lease is over, reschedules them counting attempts, and removes them', async () => {
    const { id: providerId } = await provider();
    const name = unique('kong-dcr-late');
    await store.registrationChecks.add(providerId, name, clock, new Date(clock.getTime() + 60_000));
    const claim = (at: Date) => store.registrationChecks.claimDue(at, new Date(at.getTime() + 30_000));
    expect(await claim(clock)).toBeUndefined();
    const dueAt = new Date(clock.getTime() + 60_000);
    const claims = await Promise.all([dueAt, dueAt].map(claim));
    const [check] = claims.filter((c) => c !== undefined);
    expect(claims.filter((c) => c !== undefined)).toHaveLength(1);
    expect(check).toMatchObject({ provider_id: providerId, client_name: name, started_at: clock.toISOString(), attempts: 0 });
    expect(await store.registrationChecks.listPending(providerId)).toEqual([expect.objectContaining({ client_name: name })]);
    await store.registrationChecks.reschedule(check!, new Date(clock.getTime() + 120_000));
    expect(await claim(new Date(clock.getTime() + 119_999))).toBeUndefined();
    expect(await claim(new Date(clock.getTime() + 120_000))).toMatchObject({ attempts: 1 });
    await store.registrationChecks.remove(check!.id);
    expect(await claim(new Date(clock.getTime() + 600_000))).toBeUndefined();
    expect(await store.registrationChecks.listPending(providerId)).toEqual([]);
  });

  it('returns the gateway mapping of an application without approved services, and none for an unknown client ID', async () => {
    const dev = await developer();
    const app = await application(dev.id, (await strategy(null)).id);
    await store.registrations.create(app.id, 'orders', 'pending');
    expect(await store.applications.gatewayMapping(app.client_id)).toMatchObject({ application: { id: app.id }, services: [] });
    expect(await store.applications.gatewayMapping('unknown-client')).toBeUndefined();
  });

  it('answers concurrent gateway lookups each with its own client ID (one query compiled once, its value per call)', async () => {
    const dev = await developer();
    const selfManaged = await strategy(null);
    const apps = await Promise.all([1, 2, 3, 4].map(() => application(dev.id, selfManaged.id)));
    const mappings = await Promise.all([...apps, ...apps].map((app) => store.applications.gatewayMapping(app.client_id)));
    expect(mappings.map((mapping) => mapping?.application.id)).toEqual([...apps, ...apps].map((app) => app.id));
  });

  it('tells which client IDs any application maps to', async () => {
    const dev = await developer();
    const app = await application(dev.id, (await strategy(null)).id);
    expect(await store.applications.mappedClientIds([app.client_id, 'unmapped-client'])).toEqual(new Set([app.client_id]));
    expect(await store.applications.mappedClientIds([])).toEqual(new Set());
  });

  const quota = { limit: 3, windowMs: 3_600_000, holdMs: 10_000 };
  /** A creation that reserved its slot and finished. */
  const recordCreation = async (developerId: string) => {
    const slot = await store.creations.reserve(developerId, quota);
    await store.creations.complete(slot!);
  };

  it('counts creations per developer since a given time', async () => {
    const dev = await developer();
    await recordCreation(dev.id);
    const start = clock;
    clock = new Date(clock.getTime() + 1000);
    await recordCreation(dev.id);
    expect(await store.creations.countSince(dev.id, new Date(start.getTime() - 1))).toBe(2);
    expect(await store.creations.countSince(dev.id, start)).toBe(1);
    await store.creations.purgeBefore(new Date(start.getTime() + 1));
    expect(await store.creations.countSince(dev.id, new Date(0))).toBe(1);
  });

  it('returns no slot once completed and reserved creations fill the quota, and one again after a release', async () => {
    const dev = await developer();
    await recordCreation(dev.id);
    const reserved = await store.creations.reserve(dev.id, quota);
    expect(await store.creations.reserve(dev.id, quota)).toEqual(expect.any(String));
    expect(await store.creations.reserve(dev.id, quota)).toBeUndefined();
    expect(await store.creations.countSince(dev.id, new Date(0))).toBe(3);
    await store.creations.release(reserved!);
    expect(await store.creations.reserve(dev.id, quota)).toEqual(expect.any(String));
    expect(await store.creations.reserve((await developer()).id, quota)).toEqual(expect.any(String));
  });

  it('frees the slot of a creation that never finished once its hold is over, and purges it', async () => {
    const dev = await developer();
    await recordCreation(dev.id);
    await recordCreation(dev.id);
    const stuck = await store.creations.reserve(dev.id, quota);
    expect(await store.creations.reserve(dev.id, quota)).toBeUndefined();
    clock = new Date(clock.getTime() + quota.holdMs);
    expect(await store.creations.countSince(dev.id, new Date(0))).toBe(2);
    await store.creations.purgeBefore(new Date(0));
    await store.creations.complete(stuck!);
    expect(await store.creations.countSince(dev.id, new Date(0))).toBe(2);
    expect(await store.creations.reserve(dev.id, quota)).toEqual(expect.any(String));
  });

  it('still reads a table whose shape another process changed after its statements were prepared', async () => {
    const dev = await developer();
    const app = await application(dev.id, (await strategy(null)).id);
    expect(await store.applications.get(app.id)).toEqual(app);
    expect(await store.developers.get(dev.id)).toEqual(dev);
    // Another replica's migration, through a connection of its own.
    await database.exec('alter table developers add column nickname text');
    expect(await store.developers.get(dev.id)).toMatchObject({ id: dev.id, nickname: null });
    await database.exec('alter table developers drop column nickname');
    expect(await store.developers.get(dev.id)).toEqual(dev);
  });
});
