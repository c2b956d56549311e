import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULTS, PORTAL } from '../../sidecar/defaults';
import { type OktaEmulatorFixture, startOktaEmulator } from '../support/okta-emulator';
import { type TestPortal, cookiesOf, startTestPortal } from '../support/portal-app';
import { PASSWORD, newEmail, setStatus, signedIn } from '../support/portal-journey';
import { type TestSidecar, startTestSidecar } from '../support/sidecar-app';
import { testDatabases } from '../support/sidecar-databases';
import { type TestDeveloper, developer, oktaStrategy, selfManagedStrategy, serviceClient } from '../support/sidecar-fixtures';

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

type Event = { action: string; resource_id: string; actor: { type: string; id: string; address: string | null }; before: unknown; after: unknown };

/** The whole trail of a sidecar, oldest first, as the admin reads it. */
async function trailOf(sidecar: TestSidecar, query = ''): Promise<Event[]> {
  const response = await sidecar.admin({ url: `/v2/audit-events?page[size]=100${query}` });
  expect(response.statusCode).toBe(200);
  return response.json().data;
}

describe.each(testDatabases)('sidecar audit trail of developers and DCR providers on %s', (_name, createDatabase) => {
  let sidecar: TestSidecar;
  let proxied: TestSidecar;
  beforeAll(async () => {
    [sidecar, proxied] = await Promise.all([
      startTestSidecar({}, createDatabase),
      startTestSidecar({ trustedProxies: ['10.0.0.1'] }, createDatabase),
    ]);
  });
  afterAll(async () => {
    await Promise.all([sidecar?.close(), proxied?.close()]);
  });

  it("returns 200 with an admin-created developer's creation, token, suspension, reinstatement and deletion, no token in any of them", async () => {
    const created = await sidecar.admin({ method: 'POST', url: '/v2/developers', payload: { email: `audited-${process.pid}@example.com`, full_name: 'Audited' } });
    const { id, token } = created.json();
    const renewed = (await sidecar.admin({ method: 'POST', url: `/v2/developers/${id}/token` })).json().token;
    for (const status of ['revoked', 'approved']) {
      expect((await sidecar.admin({ method: 'PATCH', url: `/v3/portals/${PORTAL.id}/developers/${id}`, payload: { status } })).statusCode).toBe(200);
    }
    expect((await sidecar.admin({ method: 'DELETE', url: `/v2/developers/${id}` })).statusCode).toBe(204);
    const trail = await trailOf(sidecar, `&filter[resource_id]=${id}`);
    expect(trail.map((e) => [e.action, e.actor.type])).toEqual([
      ['developer.created', 'admin'],
      ['developer.token_issued', 'admin'],
      ['developer.revoked', 'admin'],
      ['developer.approved', 'admin'],
      ['developer.deleted', 'admin'],
    ]);
    expect(trail[0]).toMatchObject({ before: null, after: { id, status: 'approved' } });
    expect(trail[2]).toMatchObject({ before: { status: 'approved' }, after: { status: 'revoked' } });
    expect(trail[4]).toMatchObject({ before: { id }, after: null });
    const text = JSON.stringify(trail);
    for (const secret of [token, renewed, 'token_hash', 'password_hash']) expect(text).not.toContain(secret);
  });

  it('returns 200 with DCR provider creation, update and deletion, dcr_token never in before or after', async () => {
    const [first, second] = ['dcr-token-audit-first-0123456789', 'dcr-token-audit-second-0123456789'];
    const { id } = (
      await sidecar.admin({
        method: 'POST',
        url: '/v2/dcr-providers',
        payload: { name: `audited-${process.pid}`, provider_type: 'okta', issuer: 'https://idp.example.com', dcr_config: { dcr_token: first } },
      })
    ).json();
    expect((await sidecar.admin({ method: 'PATCH', url: `/v2/dcr-providers/${id}`, payload: { display_name: 'Renamed', dcr_config: { dcr_token: second } } })).statusCode).toBe(200);
    expect((await sidecar.admin({ method: 'DELETE', url: `/v2/dcr-providers/${id}` })).statusCode).toBe(204);
    const trail = await trailOf(sidecar, `&filter[resource_type]=dcr_provider&filter[resource_id]=${id}`);
    expect(trail.map((e) => e.action)).toEqual(['dcr_provider.created', 'dcr_provider.updated', 'dcr_provider.deleted']);
    expect(trail[1]).toMatchObject({ before: { display_name: null }, after: { display_name: 'Renamed' } });
    const text = JSON.stringify(trail);
    for (const secret of [first, second, 'dcr_token', 'dcr_secrets']) expect(text).not.toContain(secret);
  });

  it('names the X-Forwarded-For client behind a trusted proxy, and the socket address of an untrusted peer that spoofs one', async () => {
    const create = (target: TestSidecar, remoteAddress: string) =>
      target.admin({
        method: 'POST',
        url: '/v2/developers',
        payload: { email: `${remoteAddress}-${process.pid}@example.com`, full_name: 'Addressed' },
        remoteAddress,
        headers: { 'x-forwarded-for': '198.51.100.77' },
      });
    const proxiedId = (await create(proxied, '10.0.0.1')).json().id;
    const spoofedId = (await create(proxied, '203.0.113.8')).json().id;
    const direct = (await create(sidecar, '10.0.0.1')).json().id;
    expect((await trailOf(proxied, `&filter[resource_id]=${proxiedId}`))[0]?.actor.address).toBe('198.51.100.77');
    expect((await trailOf(proxied, `&filter[resource_id]=${spoofedId}`))[0]?.actor.address).toBe('203.0.113.8');
    expect((await trailOf(sidecar, `&filter[resource_id]=${direct}`))[0]?.actor.address).toBe('10.0.0.1');
  });
});

describe.each(testDatabases)("sidecar audit trail of a developer's account flows on the portal on %s", (_name, createDatabase) => {
  let t: TestPortal;
  const behindProxy = { remoteAddress: '10.0.0.1', headers: { 'x-forwarded-for': '198.51.100.30' } };
  beforeAll(async () => {
    t = await startTestPortal(createDatabase, { portal: { trustedProxies: ['10.0.0.1'] } });
  });
  afterAll(() => t?.close());

  it('returns 200 with sign-up, verification, approval, token, reset and change, by the developer from the client address, no secret in any', async () => {
    const email = newEmail('audited');
    const post = (url: string, payload?: object, cookie?: string) =>
      t.call({ method: 'POST', url, ...(payload && { payload }), remoteAddress: behindProxy.remoteAddress, headers: { ...behindProxy.headers, ...(cookie && { cookie }) } });
    expect((await post('/api/v2/developer', { email, full_name: 'Audited', password: PASSWORD })).statusCode).toBe(201);
    const verification = t.mailTo(email).token!;
    expect((await post('/api/v2/developer/verify-email', { token: verification })).statusCode).toBe(202);
    const id = (await t.sidecar.store.developers.findWithPasswordByEmail(email))!.developer.id;
    expect((await setStatus(t, id, 'approved')).statusCode).toBe(200);
    const signIn = await post('/api/v2/developer/authenticate', { username: email, password: PASSWORD });
    const sessionCookie = cookiesOf(signIn);
    const token = (await post('/api/v2/developer/me/token', undefined, sessionCookie)).json().token;
    expect((await t.call({ method: 'DELETE', url: '/api/v2/developer/me/token', ...behindProxy, headers: { ...behindProxy.headers, cookie: sessionCookie } })).statusCode).toBe(204);
    expect((await post('/api/v2/developer/forgot-password', { email })).statusCode).toBe(200);
    const resetToken = t.mailTo(email).token!;
    const [second, third] = ['audited password two', 'audited password three'];
    expect((await post('/api/v2/developer/reset-password', { token: resetToken, password: second })).statusCode).toBe(204);
    const again = cookiesOf(await post('/api/v2/developer/authenticate', { username: email, password: second }));
    expect((await post('/api/v2/developer/me/password', { current_password: second, new_password: third }, again)).statusCode).toBe(204);

    const trail = await trailOf(t.sidecar, `&filter[resource_id]=${id}`);
    expect(trail.map((e) => [e.action, e.actor.type, e.actor.address])).toEqual([
      ['developer.signed_up', 'developer', '198.51.100.30'],
      ['developer.email_verified', 'developer', '198.51.100.30'],
      ['developer.approved', 'admin', '127.0.0.1'],
      ['developer.api_token_created', 'developer', '198.51.100.30'],
      ['developer.api_token_revoked', 'developer', '198.51.100.30'],
      ['developer.password_reset', 'developer', '198.51.100.30'],
      ['developer.password_changed', 'developer', '198.51.100.30'],
    ]);
    expect(trail.filter((e) => e.actor.type === 'developer').every((e) => e.actor.id === id)).toBe(true);
    expect(trail[0]).toMatchObject({ before: null, after: { id, email, status: 'pending', email_verified_at: null } });
    expect(trail[1]).toMatchObject({ before: { email_verified_at: null }, after: { email_verified_at: expect.any(String) } });
    expect(trail[3]).toMatchObject({ before: { token_created_at: null }, after: { token_created_at: expect.any(String) } });
    expect(trail[4]).toMatchObject({ after: { token_created_at: null } });
    const text = JSON.stringify(trail);
    const sessionIds = [sessionCookie, again].map((cookie) => cookie.split('=')[1]!);
    for (const secret of [PASSWORD, second, third, token, verification, resetToken, ...sessionIds, 'password_hash', 'token_hash']) {
      expect(text).not.toContain(secret);
    }
  });

  it('writes no audit row for a refused account change (a wrong current password, a spent link)', async () => {
    const { id, cookie } = await signedIn(t);
    const before = (await trailOf(t.sidecar, `&filter[resource_id]=${id}`)).length;
    const wrong = await t.call({ method: 'POST', url: '/api/v2/developer/me/password', headers: { cookie }, payload: { current_password: 'not the password at all', new_password: 'whatever horse battery' } });
    expect(wrong.statusCode).toBe(400);
    expect((await t.call({ method: 'POST', url: '/api/v2/developer/reset-password', payload: { token: '0b6f5c1e-3a7d-4e2b-9c8a-5d4e3f2a1b0c', password: PASSWORD } })).statusCode).toBe(404);
    expect(await trailOf(t.sidecar, `&filter[resource_id]=${id}`)).toHaveLength(before);
  });
});

describe.each(testDatabases)('sidecar audit trail of applications a developer token manages, and of housekeeping, on %s', (_name, createDatabase) => {
  let okta: OktaEmulatorFixture;
  let sidecar: TestSidecar;
  let strategyId: string;
  let alice: TestDeveloper;
  beforeAll(async () => {
    okta = await startOktaEmulator();
    sidecar = await startTestSidecar({ idpTimeoutMs: 1_000, lateRegistrationCheckDelayMs: 0, deletionBackoff: { baseMs: 0, maxMs: 0 } }, createDatabase);
    ({ strategyId } = await oktaStrategy(sidecar, okta));
    alice = await developer(sidecar);
  });
  afterAll(async () => {
    await sidecar?.close();
    await okta?.stop();
  });
  afterEach(() => okta.control.clearFaults());

  const createApp = (name: string) => alice.call({ method: 'POST', url: '/v2/applications', payload: { name, auth_strategy_id: strategyId } });

  it('returns 200 with the creation, secret refresh and deletion by the developer, no client secret in any of them', async () => {
    const created = (await createApp('audited')).json();
    const refreshed = (await alice.call({ method: 'POST', url: `/v2/applications/${created.id}/refresh-secret` })).json();
    expect((await alice.call({ method: 'DELETE', url: `/v2/applications/${created.id}` })).statusCode).toBe(204);
    const trail = await trailOf(sidecar, `&filter[application_id]=${created.id}`);
    expect(trail.map((e) => [e.action, e.actor.type, e.actor.id])).toEqual([
      ['application.created', 'developer', alice.id],
      ['application.secret_refreshed', 'developer', alice.id],
      ['application.deleted', 'developer', alice.id],
    ]);
    expect(trail[0]).toMatchObject({ before: null, after: { id: created.id, client_id: created.client_id, status: 'active' } });
    expect(trail[2]).toMatchObject({ before: { id: created.id }, after: null });
    const text = JSON.stringify(trail);
    for (const secret of [created.client_secret, refreshed.client_secret, 'client_secret', 'idp_secrets']) expect(text).not.toContain(secret);
  });

  it('returns 200 with a deletion left pending by the developer and finished by system/housekeeping', async () => {
    const app = (await createApp('retried')).json();
    await okta.control.fault({ path: `/oauth2/v1/clients/${app.client_id}`, status: 500, times: 1 });
    expect((await alice.call({ method: 'DELETE', url: `/v2/applications/${app.id}` })).statusCode).toBe(202);
    expect(await sidecar.app.deletion.retryDue()).toBe(1);
    const trail = await trailOf(sidecar, `&filter[application_id]=${app.id}`);
    expect(trail.map((e) => [e.action, e.actor])).toEqual([
      ['application.created', { type: 'developer', id: alice.id, address: '127.0.0.1' }],
      ['application.deletion_pending', { type: 'developer', id: alice.id, address: '127.0.0.1' }],
      ['application.deleted', { type: 'system', id: 'housekeeping', address: null }],
    ]);
    expect(trail[1]).toMatchObject({ before: { status: 'active' }, after: { status: 'pending_deletion' } });
  });

  it('returns 200 with the clean-up of a client registered after its request timed out, by system/housekeeping', async () => {
    const name = `late-audit-${Date.now()}`;
    await okta.control.fault({ path: '/oauth2/v1/clients', delay_ms: 1_500, times: 1 });
    expect((await createApp(name)).statusCode).toBe(503);
    const late = await okta.dcr.createClient(serviceClient(`${DEFAULTS.clientNamePrefix}${name}`));
    expect(await sidecar.app.lateRegistrations.checkDue()).toBe(1);
    const [cleaned] = await trailOf(sidecar, `&filter[resource_id]=${late.client_id}`);
    expect(cleaned).toMatchObject({
      action: 'idp_client.deleted',
      actor: { type: 'system', id: 'housekeeping', address: null },
      before: { client_id: late.client_id, client_name: `${DEFAULTS.clientNamePrefix}${name}` },
      after: null,
    });
  });
});
