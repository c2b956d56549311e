import type { AddressInfo } from 'node:net';
import { ApplicationsApi, Configuration, type CreateApplicationPayload, CredentialsApi, DeveloperApi, RegistrationsApi } from '@kong/sdk-portal-js';
import { PORTAL } from '../../sidecar/defaults';
import { type OktaEmulatorFixture, startOktaEmulator } from '../support/okta-emulator';
import { type TestPortal, startTestPortal } from '../support/portal-app';
import { loadPortalContract } from '../support/portal-contract';
import { PASSWORD, approvedDeveloper, publishedApi, signedIn } from '../support/portal-journey';
import { type SeenResponse, recordedClient, statusOf } from '../support/portal-sdk';
import { testDatabases } from '../support/sidecar-databases';
import { oktaStrategy, selfManagedStrategy } from '../support/sidecar-fixtures';

const contract = loadPortalContract();
const UNKNOWN_ID = '0f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f';

/** The problem body of a refused SDK call. */
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('the call was not refused');
    },
    (error: { response?: { status: number; data: { invalid_parameters?: { field: string }[] } } }) => error.response,
  );

/** A signed-in developer's SDK clients (Kong's own classes), every response recorded and checked against the contract. */
async function sdkDeveloper(t: TestPortal, url: string) {
  const { email } = await approvedDeveloper(t);
  const recorded = recordedClient(url, contract);
  const configuration = new Configuration({ basePath: url });
  const axios = recorded.client as unknown as ConstructorParameters<typeof ApplicationsApi>[2];
  const developer = new DeveloperApi(configuration, url, axios);
  await developer.authenticate({ authenticateRequest: { username: email, password: PASSWORD } });
  return {
    ...recorded,
    applications: new ApplicationsApi(configuration, url, axios),
    registrations: new RegistrationsApi(configuration, url, axios),
    credentials: new CredentialsApi(configuration, url, axios),
  };
}

const occurrences = (seen: SeenResponse[], secret: string) =>
  seen.filter((response) => `${JSON.stringify(response.headers)}${response.body}`.includes(secret)).length;

describe.each(testDatabases)("applications through Kong's portal SDK (ApplicationsApi, CredentialsApi, RegistrationsApi) on %s", (_name, createDatabase) => {
  let okta: OktaEmulatorFixture;
  let t: TestPortal;
  let url: string;
  let dcrStrategy: string;
  let selfStrategy: string;
  let demo: string;
  let selfDemo: string;

  const decide = (applicationId: string, registrationId: string, status: string) =>
    t.sidecar.admin({ method: 'PATCH', url: `/v3/portals/${PORTAL.id}/applications/${applicationId}/registrations/${registrationId}`, payload: { status } });

  beforeAll(async () => {
    okta = await startOktaEmulator();
    t = await startTestPortal(createDatabase);
    await t.portal.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(t.portal.server.address() as AddressInfo).port}`;
    ({ strategyId: dcrStrategy } = await oktaStrategy(t.sidecar, okta));
    selfStrategy = await selfManagedStrategy(t.sidecar, okta.issuer);
    demo = await publishedApi(t, { name: 'demo', version: '1.0.0' }, { visibility: 'private', auth_strategy_ids: [dcrStrategy] });
    const selfPublication = { visibility: 'private', auth_strategy_ids: [selfStrategy], auto_approve_registrations: true };
    selfDemo = await publishedApi(t, { name: 'self-demo' }, selfPublication);
  });
  afterAll(async () => {
    await t?.close();
    await okta?.stop();
  });

  it("returns 201 with a DCR client's credentials once, then lists, renames, refreshes the secret (201, once), registers and deletes (204)", async () => {
    const dev = await sdkDeveloper(t, url);
    const payload = { name: 'Orders App', description: 'orders', auth_strategy_id: dcrStrategy };
    const key = { headers: { 'idempotency-key': `orders-${Date.now()}` } };
    const created = await dev.applications.createApplication({ createApplicationPayload: payload }, key);
    expect(created.status).toBe(201);
    const { credentials, ...application } = created.data as typeof created.data & { credentials: { client_id: string; client_secret: string } };
    expect(application).toEqual({
      id: expect.any(String),
      name: 'Orders App',
      reference_id: credentials.client_id,
      description: 'orders',
      redirect_uri: null,
      auth_strategy: {
        id: dcrStrategy,
        name: 'Okta client credentials',
        credential_type: 'client_credentials',
        auth_methods: ['client_credentials', 'bearer'],
        available_scopes: ['api:read'],
      },
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    await expect(okta.token(credentials.client_id, credentials.client_secret)).resolves.toEqual(expect.any(String));
    const id = application.id;

    const replay = await dev.applications.createApplication({ createApplicationPayload: payload }, key);
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.data).toEqual(application);

    const list = await dev.applications.listApplications({ filterNameContains: 'ORDERS', pageSize: 5 });
    expect(list.data).toEqual({ data: [application], meta: { page: { number: 1, size: 5, total: 1 } } });
    expect((await dev.applications.listApplications({ filterName: 'Orders' })).data.meta.page.total).toBe(0);
    expect((await dev.applications.listApplications({ filterAuthStrategyIdEq: selfStrategy })).data.data).toEqual([]);
    expect((await dev.applications.listApplications({ filterAuthStrategyId: dcrStrategy })).data.data).toEqual([application]);
    expect((await dev.applications.getApplication({ applicationId: id })).data).toEqual(application);

    const renamed = await dev.applications.updateApplication({
      applicationId: id,
      updateApplicationPayload: { name: 'Orders', description: 'all orders', reference_id: credentials.client_id },
    });
    expect(renamed.data).toMatchObject({ id, name: 'Orders', description: 'all orders', reference_id: credentials.client_id });
    const moved = await refusal(dev.applications.updateApplication({ applicationId: id, updateApplicationPayload: { reference_id: 'another-client' } }));
    expect(moved?.status).toBe(400);
    expect(moved?.data.invalid_parameters?.[0]?.field).toBe('reference_id');

    expect((await dev.credentials.listCredentials({ applicationId: id })).data).toEqual({ data: [], meta: { page: { number: 1, size: 10, total: 0 } } });
    expect(await statusOf(dev.credentials.createCredential({ applicationId: id, createCredentialPayload: { display_name: 'extra' } }))).toBe(403);
    expect(await statusOf(dev.credentials.updateCredential({ applicationId: id, credentialId: UNKNOWN_ID, updateCredentialPayload: { display_name: 'x' } }))).toBe(404);
    expect(await statusOf(dev.credentials.deleteCredential({ applicationId: id, credentialId: UNKNOWN_ID }))).toBe(404);

    const refreshed = await dev.credentials.refreshApplicationToken({ applicationId: id });
    expect(refreshed.status).toBe(201);
    expect(refreshed.data).toEqual({ client_id: credentials.client_id, client_secret: expect.any(String) });
    expect(refreshed.data.client_secret).not.toBe(credentials.client_secret);
    await expect(okta.token(credentials.client_id, refreshed.data.client_secret)).resolves.toEqual(expect.any(String));
    expect((await okta.tokenResponse(credentials.client_id, credentials.client_secret)).status).toBe(401);

    const registration = await dev.registrations.createApplicationRegistration({ applicationId: id, createRegistrationPayload: { product_version_id: demo } });
    expect(registration.status).toBe(201);
    expect(registration.data).toEqual({
      id: expect.any(String),
      created_at: expect.any(String),
      updated_at: expect.any(String),
      status: 'pending',
      product_id: demo,
      product_name: 'demo',
      product_version_id: demo,
      product_version_name: '1.0.0',
      application_id: id,
    });
    const registrationId = registration.data.id;
    expect(await statusOf(dev.registrations.createApplicationRegistration({ applicationId: id, createRegistrationPayload: { product_version_id: demo } }))).toBe(409);
    expect(await statusOf(dev.registrations.createApplicationRegistration({ applicationId: id, createRegistrationPayload: { product_version_id: UNKNOWN_ID } }))).toBe(404);
    expect(await statusOf(dev.registrations.createApplicationRegistration({ applicationId: id, createRegistrationPayload: { product_version_id: selfDemo } }))).toBe(409);
    const listed = (filter: Parameters<RegistrationsApi['listApplicationRegistrations']>[0]) =>
      dev.registrations.listApplicationRegistrations(filter).then((r) => r.data.data.map((item) => item.id));
    expect(await listed({ applicationId: id })).toEqual([registrationId]);
    expect(await listed({ applicationId: id, filterStatusEq: 'approved' })).toEqual([]);
    expect(await listed({ applicationId: id, filterProductNameContains: 'DEM' })).toEqual([registrationId]);
    expect(await listed({ applicationId: id, filterProductVersionName: '1.0.0' })).toEqual([registrationId]);
    expect(await listed({ applicationId: id, filterProductVersionNameContains: '2.' })).toEqual([]);
    expect(await listed({ applicationId: id, filterId: UNKNOWN_ID })).toEqual([]);

    expect((await decide(id, registrationId, 'approved')).statusCode).toBe(200);
    expect((await dev.registrations.getApplicationRegistration({ applicationId: id, registrationId })).data.status).toBe('approved');
    expect((await listed({ applicationId: id, filterStatus: 'approved' }))).toEqual([registrationId]);
    expect((await dev.registrations.deleteApplicationRegistration({ applicationId: id, registrationId })).status).toBe(204);
    expect(await statusOf(dev.registrations.getApplicationRegistration({ applicationId: id, registrationId }))).toBe(404);
    const again = await dev.registrations.createApplicationRegistration({ applicationId: id, createRegistrationPayload: { product_version_id: demo } });
    expect(again.data.status).toBe('pending');

    const scopes = await refusal(dev.applications.getApplicationProductVersionGrantedScopes({ applicationId: id, productVersionId: demo }));
    expect(scopes?.status).toBe(422);
    const registrationScopes = await refusal(dev.registrations.getApplicationRegistrationGrantedScopes({ applicationId: id, registrationId: again.data.id }));
    expect(registrationScopes?.status).toBe(422);

    expect((await dev.applications.deleteApplication({ applicationId: id })).status).toBe(204);
    expect(await statusOf(dev.applications.getApplication({ applicationId: id }))).toBe(404);
    // Okta answers 401 for a client that no longer exists; its secret opens nothing any more.
    expect((await okta.dcr.request('GET', `/${credentials.client_id}`)).status).toBe(401);
    expect((await okta.tokenResponse(credentials.client_id, refreshed.data.client_secret)).status).toBe(401);

    // Every change is the developer's in the audit trail, from the portal client's address.
    const audit = (await t.sidecar.admin({ url: `/v2/audit-events?filter[application_id]=${id}&page[size]=100` })).json();
    const actions = audit.data.map((event: { action: string }) => event.action);
    expect(actions).toEqual(expect.arrayContaining(['application.created', 'application.updated', 'registration.requested', 'registration.withdrawn', 'application.deleted']));
    const developers = audit.data.filter((event: { action: string }) => event.action !== 'registration.approved');
    expect(new Set(developers.map((event: { actor: object }) => JSON.stringify(event.actor)))).toEqual(
      new Set([JSON.stringify({ type: 'developer', id: developers[0].actor.id, address: '127.0.0.1' })]),
    );

    // Each secret is in exactly one response: its creation's, or its refresh's; and nowhere in the database.
    expect(occurrences(dev.seen, credentials.client_secret)).toBe(1);
    expect(occurrences(dev.seen, refreshed.data.client_secret)).toBe(1);
    const stored = await t.sidecar.database.rawContents();
    expect(stored).not.toContain(credentials.client_secret);
    expect(stored).not.toContain(refreshed.data.client_secret);
    expect(t.sidecar.logs()).not.toContain(credentials.client_secret);
    expect(t.sidecar.logs()).not.toContain(refreshed.data.client_secret);
    expect(dev.problems()).toEqual([]);
  });

  it("routes every /api/v2/applications operation of the contract and documents it on the sidecar's /docs/portal/json", async () => {
    const { cookie } = await signedIn(t);
    const operations = contract.operations.filter(({ template }) => template.startsWith('/api/v2/applications'));
    expect(operations.length).toBe(17);
    const misses: string[] = [];
    for (const { method, template } of operations) {
      const response = await t.call({ method: method as 'GET', url: template.replace(/\{[^}]+\}/g, UNKNOWN_ID), headers: { cookie } });
      if (response.statusCode === 404 && String(response.json().detail).startsWith('no route for')) misses.push(`${method} ${template}`);
    }
    expect(misses).toEqual([]);
    const documented = (await t.sidecar.app.inject({ url: '/docs/portal/json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const missing = operations.filter(({ method, template }) => documented.paths[template]?.[method.toLowerCase()] === undefined);
    expect(missing).toEqual([]);
  });

  it('returns 204 for a deletion the IdP refuses for now: the application is gone from the portal at once, its client deleted later', async () => {
    const dev = await sdkDeveloper(t, url);
    const created = await dev.applications.createApplication({ createApplicationPayload: { name: 'Short-lived', auth_strategy_id: dcrStrategy } });
    const { id, reference_id: clientId } = created.data;
    await okta.control.fault({ path: `/oauth2/v1/clients/${clientId}`, status: 500, times: 1 });
    expect((await dev.applications.deleteApplication({ applicationId: id })).status).toBe(204);
    expect((await okta.dcr.request('GET', `/${clientId}`)).status).toBe(200);
    expect((await t.sidecar.store.applications.get(id))?.status).toBe('pending_deletion');
    expect(await statusOf(dev.applications.getApplication({ applicationId: id }))).toBe(404);
    expect(await statusOf(dev.credentials.refreshApplicationToken({ applicationId: id }))).toBe(404);
    expect((await dev.applications.listApplications()).data).toEqual({ data: [], meta: { page: { number: 1, size: 10, total: 0 } } });
    expect(dev.problems()).toEqual([]);
  });

  it('returns 201 for a self-managed client only with its secret as proof (one token request), stores nothing of it and registers it', async () => {
    const dev = await sdkDeveloper(t, url);
    const client = await okta.dcr.createClient();
    const secret = client.client_secret as string;
    const selfManaged = (extra: object) => ({ name: 'Own client', auth_strategy_id: selfStrategy, ...extra }) as CreateApplicationPayload;

    const wrong = await refusal(dev.applications.createApplication({ createApplicationPayload: selfManaged({ reference_id: client.client_id, client_secret: `${secret}x` }) }));
    expect(wrong?.status).toBe(400);
    expect(wrong?.data.invalid_parameters?.[0]?.field).toBe('client_secret');
    const unproven = await refusal(dev.applications.createApplication({ createApplicationPayload: selfManaged({ reference_id: client.client_id }) }));
    expect(unproven?.data.invalid_parameters?.[0]?.field).toBe('client_secret');
    const dcrWithClient = await refusal(
      dev.applications.createApplication({ createApplicationPayload: { name: 'x', auth_strategy_id: dcrStrategy, reference_id: client.client_id } }),
    );
    expect(dcrWithClient?.status).toBe(400);
    expect(dcrWithClient?.data.invalid_parameters?.[0]?.field).toBe('reference_id');
    const noStrategy = await refusal(dev.applications.createApplication({ createApplicationPayload: { name: 'x' } }));
    expect(noStrategy?.data.invalid_parameters?.[0]?.field).toBe('auth_strategy_id');

    const created = await dev.applications.createApplication({ createApplicationPayload: selfManaged({ reference_id: client.client_id, client_secret: secret }) });
    expect(created.status).toBe(201);
    expect(created.data).not.toHaveProperty('credentials');
    expect(created.data).toMatchObject({ reference_id: client.client_id, auth_strategy: { id: selfStrategy, credential_type: 'self_managed_client_credentials' } });

    const other = await sdkDeveloper(t, url);
    const taken = await refusal(other.applications.createApplication({ createApplicationPayload: selfManaged({ reference_id: client.client_id, client_secret: secret }) }));
    expect(taken?.status).toBe(409);

    const registration = await dev.registrations.createApplicationRegistration({
      applicationId: created.data.id,
      createRegistrationPayload: { product_version_id: selfDemo },
    });
    expect(registration.data).toMatchObject({ status: 'approved', product_name: 'self-demo', product_version_name: 'unversioned' });
    const byVersion = (name: string) =>
      dev.registrations.listApplicationRegistrations({ applicationId: created.data.id, filterProductVersionNameEq: name }).then((r) => r.data.meta.page.total);
    expect([await byVersion('unversioned'), await byVersion('1.0.0')]).toEqual([1, 0]);

    expect(occurrences([...dev.seen, ...other.seen], secret)).toBe(0);
    expect(await t.sidecar.database.rawContents()).not.toContain(secret);
    expect(t.sidecar.logs()).not.toContain(secret);
    expect([...dev.problems(), ...other.problems()]).toEqual([]);
  });
});
