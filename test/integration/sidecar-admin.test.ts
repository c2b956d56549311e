import { type OktaEmulatorFixture, startOktaEmulator } from '../support/okta-emulator';
import { type TestSidecar, startTestSidecar } from '../support/sidecar-app';
import { testDatabases } from '../support/sidecar-databases';
import { type TestDeveloper, developer, oktaStrategy } from '../support/sidecar-fixtures';

describe.each(testDatabases)('sidecar admin side on %s', (_name, createDatabase) => {
  let okta: OktaEmulatorFixture;
  let sidecar: TestSidecar;
  let strategyId: string;
  let alice: TestDeveloper;
  let bob: TestDeveloper;

  beforeAll(async () => {
    okta = await startOktaEmulator();
    // Retries due at once: the test runs the retry pass itself.
    sidecar = await startTestSidecar({ deletionBackoff: { baseMs: 0, maxMs: 0 } }, createDatabase);
    ({ strategyId } = await oktaStrategy(sidecar, okta));
    [alice, bob] = [await developer(sidecar), await developer(sidecar)];
  });
  afterAll(async () => {
    await sidecar?.close();
    await okta?.stop();
  });

  const createApp = async (who: TestDeveloper, name = 'app') => {
    const response = await who.call({ method: 'POST', url: '/v2/applications', payload: { name, auth_strategy_id: strategyId } });
    expect(response.statusCode).toBe(201);
    return response.json() as { id: string; client_id: string; client_secret: string };
  };
  const idpClient = (clientId: string) => okta.dcr.request('GET', `/${clientId}`);
  const ids = (response: { json(): { data: { id: string }[] } }) => response.json().data.map((item) => item.id);

  describe('applications', () => {
    it('returns 200 with every developer application to the admin, filtered by developer, status and client ID', async () => {
      const [a, b] = [await createApp(alice), await createApp(bob)];
      const all = await sidecar.admin({ url: '/v2/applications?page[size]=100' });
      expect(all.statusCode).toBe(200);
      expect(ids(all)).toEqual(expect.arrayContaining([a.id, b.id]));
      expect(all.json().data.find((app: { id: string }) => app.id === b.id)).toMatchObject({ developer_id: bob.id, status: 'active' });
      const ofBob = await sidecar.admin({ url: `/v2/applications?page[size]=100&filter[developer_id]=${bob.id}` });
      expect(ofBob.json().data.every((app: { developer_id: string }) => app.developer_id === bob.id)).toBe(true);
      expect(ids(ofBob)).toContain(b.id);
      const byClient = await sidecar.admin({ url: `/v2/applications?filter[client_id]=${a.client_id}` });
      expect(ids(byClient)).toEqual([a.id]);
      expect(byClient.json().meta.page.total).toBe(1);
      expect(all.body).not.toContain(a.client_secret);
    });

    it('returns 200 with only their own applications to a developer, whatever filter[developer_id] says', async () => {
      const b = await createApp(bob);
      const response = await alice.call({ url: `/v2/applications?page[size]=100&filter[developer_id]=${bob.id}` });
      expect(response.statusCode).toBe(200);
      expect(ids(response)).not.toContain(b.id);
      expect(response.json().data.every((app: { developer_id: string }) => app.developer_id === alice.id)).toBe(true);
    });

    it('disables an application (no new secret, no registration) and enables it again', async () => {
      const app = await createApp(alice);
      const disabled = await sidecar.admin({ method: 'POST', url: `/v2/applications/${app.id}/disable` });
      expect(disabled.statusCode).toBe(200);
      expect(disabled.json()).toMatchObject({ id: app.id, status: 'disabled' });
      expect((await alice.call({ url: `/v2/applications/${app.id}` })).json().status).toBe('disabled');
      const listed = await sidecar.admin({ url: `/v2/applications?page[size]=100&filter[status]=disabled` });
      expect(ids(listed)).toContain(app.id);
      const refresh = await alice.call({ method: 'POST', url: `/v2/applications/${app.id}/refresh-secret` });
      expect(refresh.statusCode).toBe(409);
      expect(refresh.json().detail).toBe(`application ${app.id} is disabled`);
      const registration = await alice.call({ method: 'POST', url: `/v2/applications/${app.id}/registrations`, payload: { service: 'demo' } });
      expect(registration.statusCode).toBe(409);
      expect((await idpClient(app.client_id)).status).toBe(200);
      const enabled = await sidecar.admin({ method: 'POST', url: `/v2/applications/${app.id}/enable` });
      expect(enabled.json()).toMatchObject({ id: app.id, status: 'active' });
      expect((await alice.call({ method: 'POST', url: `/v2/applications/${app.id}/refresh-secret` })).statusCode).toBe(200);
    });

    it('returns 403 when a developer tries to disable their own application, and 404 for an unknown one', async () => {
      const app = await createApp(alice);
      const response = await alice.call({ method: 'POST', url: `/v2/applications/${app.id}/disable` });
      expect(response.statusCode).toBe(403);
      expect(response.json().detail).toBe('this call needs the admin token');
      const unknown = await sidecar.admin({ method: 'POST', url: '/v2/applications/00000000-0000-4000-8000-000000000000/disable' });
      expect(unknown.statusCode).toBe(404);
    });

    it('returns 204 when the admin deletes a developer application, and its client is gone at the IdP', async () => {
      const app = await createApp(bob);
      expect((await sidecar.admin({ method: 'DELETE', url: `/v2/applications/${app.id}` })).statusCode).toBe(204);
      expect((await idpClient(app.client_id)).status).toBe(401);
      expect((await bob.call({ url: `/v2/applications/${app.id}` })).statusCode).toBe(404);
    });
  });

  describe('registrations', () => {
    it('returns 200 with every registration, pending first, and only one status with filter[status]', async () => {
      const [first, second] = [await createApp(alice), await createApp(bob)];
      const register = async (who: TestDeveloper, appId: string, service: string) =>
        (await who.call({ method: 'POST', url: `/v2/applications/${appId}/registrations`, payload: { service } })).json();
      const approved = await register(alice, first.id, 'orders');
      await sidecar.admin({ method: 'PATCH', url: `/v2/applications/${first.id}/registrations/${approved.id}`, payload: { status: 'approved' } });
      const pending = await register(bob, second.id, 'orders');

      const all = await sidecar.admin({ url: '/v2/registrations?page[size]=100' });
      expect(all.statusCode).toBe(200);
      const statuses = all.json().data.map((r: { status: string }) => r.status);
      expect(statuses.slice(0, statuses.lastIndexOf('pending') + 1).every((s: string) => s === 'pending')).toBe(true);
      expect(ids(all)).toEqual(expect.arrayContaining([approved.id, pending.id]));
      expect(ids(all).indexOf(pending.id)).toBeLessThan(ids(all).indexOf(approved.id));

      const onlyPending = await sidecar.admin({ url: '/v2/registrations?page[size]=100&filter[status]=pending' });
      expect(onlyPending.json().data.every((r: { status: string }) => r.status === 'pending')).toBe(true);
      expect(ids(onlyPending)).toContain(pending.id);
      expect(ids(onlyPending)).not.toContain(approved.id);
    });

    it('returns 403 to a developer listing every registration', async () => {
      expect((await alice.call({ url: '/v2/registrations' })).statusCode).toBe(403);
    });
  });

  describe('deleting a developer', () => {
    it('returns 409 naming delete_applications while the developer has applications', async () => {
      const carol = await developer(sidecar);
      await createApp(carol);
      const response = await sidecar.admin({ method: 'DELETE', url: `/v2/developers/${carol.id}` });
      expect(response.statusCode).toBe(409);
      expect(response.json().detail).toContain('delete_applications=true');
    });

    it('returns 204 with delete_applications=true: applications, IdP clients, developer and token are gone', async () => {
      const carol = await developer(sidecar);
      const apps = [await createApp(carol, 'one'), await createApp(carol, 'two')];
      const response = await sidecar.admin({ method: 'DELETE', url: `/v2/developers/${carol.id}?delete_applications=true` });
      expect(response.statusCode).toBe(204);
      for (const app of apps) {
        expect((await idpClient(app.client_id)).status).toBe(401);
        expect((await sidecar.admin({ url: `/v2/applications/${app.id}` })).statusCode).toBe(404);
      }
      expect((await sidecar.admin({ url: `/v2/developers/${carol.id}` })).statusCode).toBe(404);
      expect((await carol.call({ url: '/v2/applications' })).statusCode).toBe(401);
    });

    it('returns 202 naming the applications the IdP could not delete yet, with the token already refused', async () => {
      const carol = await developer(sidecar);
      const [kept, gone] = [await createApp(carol, 'kept'), await createApp(carol, 'gone')];
      await okta.control.fault({ path: `/oauth2/v1/clients/${kept.client_id}`, status: 500, times: 1 });
      const response = await sidecar.admin({ method: 'DELETE', url: `/v2/developers/${carol.id}?delete_applications=true` });
      expect(response.statusCode).toBe(202);
      expect(response.json()).toEqual({ developer_id: carol.id, applications_pending_deletion: [kept.id] });
      expect((await idpClient(gone.client_id)).status).toBe(401);
      expect((await carol.call({ url: '/v2/applications' })).statusCode).toBe(401);

      expect(await sidecar.app.deletion.retryDue()).toBeGreaterThanOrEqual(1);
      expect((await sidecar.admin({ method: 'DELETE', url: `/v2/developers/${carol.id}` })).statusCode).toBe(204);
    });
  });
});
