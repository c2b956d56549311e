import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PORTAL } from '../../sidecar/defaults';
import { type TestSidecar, startTestSidecar } from '../support/sidecar-app';
import { testDatabases } from '../support/sidecar-databases';
import { type TestDeveloper, developer, selfManagedStrategy } from '../support/sidecar-fixtures';

describe.each(testDatabases)('sidecar audit trail on %s', (_name, createDatabase) => {
  let dir: string;
  let sidecar: TestSidecar;
  let alice: TestDeveloper;
  let strategyId: string;
  let apiId: string;
  let appId: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sidecar-audit-'));
    fs.writeFileSync(path.join(dir, 'kong.yml'), '_format_version: "3.0"\nservices:\n  - name: orders\n    url: http://127.0.0.1:9101\n');
    sidecar = await startTestSidecar({ kongDeclarativeConfig: path.join(dir, 'kong.yml') }, createDatabase);
    alice = await developer(sidecar);
    strategyId = await selfManagedStrategy(sidecar, 'https://idp.example.com');
    apiId = (await sidecar.admin({ method: 'POST', url: '/v3/apis', payload: { name: 'orders', spec_content: '{"openapi":"3.0.0"}' } })).json().id;
    await sidecar.admin({ method: 'PUT', url: `/v3/apis/${apiId}/publications/${PORTAL.id}`, payload: { auth_strategy_ids: [strategyId] } });
    appId = (
      await sidecar.admin({ method: 'POST', url: `/v2/developers/${alice.id}/applications`, payload: { name: 'a', auth_strategy_id: strategyId, client_id: `audit-${process.pid}` } })
    ).json().id;
  });
  afterAll(async () => {
    await sidecar?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const events = async (query = '') => {
    const response = await sidecar.admin({ url: `/v2/audit-events?page[size]=100${query.replace('?', '&')}` });
    expect(response.statusCode).toBe(200);
    return response.json().data as { action: string; actor: { type: string; id: string; address: string }; before: unknown; after: unknown }[];
  };

  it('returns 200 with the API and its publication, by the admin token from its address', async () => {
    const [created] = await events('?filter[action]=api.created');
    expect(created).toMatchObject({ resource_type: 'api', resource_id: apiId, actor: { type: 'admin', id: expect.stringMatching(/^admin-[0-9a-f]{16}$/), address: '127.0.0.1' } });
    expect(created?.after).not.toHaveProperty('spec_content');
    expect(JSON.stringify(await events())).not.toContain(sidecar.adminToken);
    const [published] = await events('?filter[resource_type]=publication');
    expect(published).toMatchObject({ action: 'publication.put', before: null, after: { api_id: apiId, auth_strategy_id: strategyId } });
  });

  it('returns 200 with each registration change, who made it, before and after', async () => {
    const { id } = (await alice.call({ method: 'POST', url: `/v2/applications/${appId}/registrations`, payload: { service: 'orders' } })).json();
    await sidecar.admin({ method: 'PATCH', url: `/v3/portals/${PORTAL.id}/applications/${appId}/registrations/${id}`, payload: { status: 'approved' } });
    await alice.call({ method: 'DELETE', url: `/v2/applications/${appId}/registrations/${id}` });
    const trail = await events(`?filter[resource_id]=${id}`);
    expect(trail.map((e) => [e.action, e.actor.type])).toEqual([
      ['registration.requested', 'developer'],
      ['registration.approved', 'admin'],
      ['registration.withdrawn', 'developer'],
    ]);
    expect(trail[0]?.actor.id).toBe(alice.id);
    expect(trail[1]).toMatchObject({ before: { status: 'pending' }, after: { status: 'approved' } });
    expect(trail[2]).toMatchObject({ before: { status: 'approved' }, after: null });
  });

  it('returns 200 with the auth strategy, the claimed application and its disabling, without proof marked', async () => {
    const [strategy] = await events(`?filter[resource_id]=${strategyId}`);
    expect(strategy).toMatchObject({ action: 'auth_strategy.created', before: null, after: { id: strategyId } });
    await sidecar.admin({ method: 'POST', url: `/v2/applications/${appId}/disable` });
    await sidecar.admin({ method: 'POST', url: `/v2/applications/${appId}/enable` });
    const trail = await events(`?filter[resource_type]=application&filter[resource_id]=${appId}`);
    expect(trail.map((e) => e.action)).toEqual(['application.claimed', 'application.disabled', 'application.enabled']);
    expect(trail[0]?.after).toMatchObject({ client_verified: false });
    expect(trail[1]).toMatchObject({ before: { status: 'active' }, after: { status: 'disabled' } });
  });

  it("returns 200 with an application's events to its developer, 404 to another developer", async () => {
    const mine = await alice.call({ url: `/v2/applications/${appId}/audit-events` });
    expect(mine.statusCode).toBe(200);
    expect(mine.json().data.length).toBeGreaterThanOrEqual(3);
    const bob = await developer(sidecar);
    expect((await bob.call({ url: `/v2/applications/${appId}/audit-events` })).statusCode).toBe(404);
    expect((await alice.call({ url: '/v2/audit-events' })).statusCode).toBe(403);
  });

  it('writes no audit row for a change that is refused (the same transaction)', async () => {
    const before = (await events()).length;
    const { id } = (await alice.call({ method: 'POST', url: `/v2/applications/${appId}/registrations`, payload: { service: 'orders' } })).json();
    expect((await sidecar.admin({ method: 'PATCH', url: `/v2/applications/${appId}/registrations/${id}`, payload: { status: 'revoked' } })).statusCode).toBe(409);
    expect((await alice.call({ method: 'POST', url: `/v2/applications/${appId}/registrations`, payload: { service: 'orders' } })).statusCode).toBe(409);
    expect((await events()).length).toBe(before + 1);
  });
});
