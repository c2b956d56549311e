import axios from 'axios';
import { type OidcDcrServer, startOidcDcrServer } from '../support/oidc-dcr-server';
import { type TestSidecar, startTestSidecar } from '../support/sidecar-app';
import { type TestDeveloper, developer, selfManagedStrategy } from '../support/sidecar-fixtures';

describe('sidecar applications with the openid_connect (RFC 7591/7592) driver', () => {
  const initialAccessToken = 'initial-access-token-for-registration';
  let idp: OidcDcrServer;
  let sidecar: TestSidecar;
  let alice: TestDeveloper;
  let counter = 0;

  beforeAll(async () => {
    idp = await startOidcDcrServer({ initialAccessToken });
    sidecar = await startTestSidecar();
    alice = await developer(sidecar);
  });
  afterAll(async () => {
    await sidecar?.close();
    await idp?.stop();
  });

  const strategyFor = async (dcrConfig: Record<string, unknown>) => {
    const provider = await sidecar.admin({
      method: 'POST',
      url: '/v2/dcr-providers',
      payload: { name: `oidc-${++counter}`, provider_type: 'openid_connect', issuer: idp.issuer, dcr_config: dcrConfig },
    });
    return { providerId: provider.json().id as string, strategyId: await selfManagedStrategy(sidecar, idp.issuer, { providerId: provider.json().id }) };
  };
  const createApp = (strategyId: string) =>
    alice.call({ method: 'POST', url: '/v2/applications', payload: { name: 'oidc-app', auth_strategy_id: strategyId } });
  const management = async (applicationId: string) => {
    const secrets = (await sidecar.store.applications.get(applicationId))?.idp_secrets;
    return axios.get(String(secrets?.registration_client_uri), {
      headers: { authorization: `Bearer ${secrets?.registration_access_token}` },
      validateStatus: () => true,
    });
  };
  const token = (clientId: string, clientSecret: string) =>
    axios.post(`${idp.issuer}/token`, new URLSearchParams({ grant_type: 'client_credentials' }), {
      auth: { username: clientId, password: clientSecret },
      validateStatus: () => true,
    });

  it('registers a client with the initial access token, usable for client_credentials at the IdP', async () => {
    const { strategyId } = await strategyFor({ initial_access_token: initialAccessToken });
    const response = await createApp(strategyId);
    expect(response.statusCode).toBe(201);
    const app = response.json();
    const client = await management(app.id);
    expect(client.status).toBe(200);
    expect(client.data).toMatchObject({ client_id: app.client_id, client_name: 'kong-dcr-oidc-app', grant_types: ['client_credentials'] });
    expect((await token(app.client_id, app.client_secret)).status).toBe(200);
  });

  it('keeps the registration access token encrypted, never in a response or the database in clear', async () => {
    const { strategyId } = await strategyFor({ initial_access_token: initialAccessToken });
    const response = await createApp(strategyId);
    const secrets = (await sidecar.store.applications.get(response.json().id))?.idp_secrets;
    expect(secrets?.registration_access_token).toEqual(expect.any(String));
    expect(response.body).not.toContain(secrets?.registration_access_token);
    expect(await sidecar.database.rawContents()).not.toContain(secrets?.registration_access_token);
    expect(await sidecar.database.rawContents()).not.toContain(initialAccessToken);
  });

  it('returns 502 with the IdP own error when the initial access token is missing', async () => {
    const { strategyId } = await strategyFor({});
    const response = await createApp(strategyId);
    expect(response.statusCode).toBe(502);
    expect(response.json().idp_error).toMatchObject({ error: 'invalid_token' });
  });

  it('deletes the client through RFC 7592 with its registration access token', async () => {
    const { strategyId } = await strategyFor({ initial_access_token: initialAccessToken });
    const app = (await createApp(strategyId)).json();
    const secrets = (await sidecar.store.applications.get(app.id))?.idp_secrets;
    expect((await alice.call({ method: 'DELETE', url: `/v2/applications/${app.id}` })).statusCode).toBe(204);
    const gone = await axios.get(String(secrets?.registration_client_uri), {
      headers: { authorization: `Bearer ${secrets?.registration_access_token}` },
      validateStatus: () => true,
    });
    expect(gone.status).toBe(401);
    expect((await token(app.client_id, app.client_secret)).status).toBe(401);
  });

  it('returns 409 on refresh-secret: RFC 7592 has no secret rotation', async () => {
    const { strategyId } = await strategyFor({ initial_access_token: initialAccessToken });
    const app = (await createApp(strategyId)).json();
    const response = await alice.call({ method: 'POST', url: `/v2/applications/${app.id}/refresh-secret` });
    expect(response.statusCode).toBe(409);
    expect((await token(app.client_id, app.client_secret)).status).toBe(200);
  });

  it('answers verify with success when discovery offers a registration endpoint, failed when unreachable', async () => {
    const { providerId } = await strategyFor({});
    expect((await sidecar.admin({ method: 'POST', url: `/v2/dcr-providers/${providerId}/verify` })).json()).toEqual({ status: 'success', errors: [] });
    const unreachable = await sidecar.admin({
      method: 'POST',
      url: '/v2/dcr-providers',
      payload: { name: 'oidc-down', provider_type: 'openid_connect', issuer: 'http://127.0.0.1:1', dcr_config: {} },
    });
    const verify = await sidecar.admin({ method: 'POST', url: `/v2/dcr-providers/${unreachable.json().id}/verify` });
    expect(verify.json()).toMatchObject({ status: 'failed', errors: [expect.stringMatching(/unreachable/)] });
  });

  it('reports the provider as unsupported in reconcile (RFC 7591 has no client list)', async () => {
    const { providerId } = await strategyFor({});
    const report = (await sidecar.admin({ url: '/v2/reconcile' })).json().data;
    expect(report.find((r: { provider_id: string }) => r.provider_id === providerId)).toMatchObject({ status: 'unsupported' });
  });
});
