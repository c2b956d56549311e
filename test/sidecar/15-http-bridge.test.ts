import { type HttpDcrBridge, startHttpDcrBridge } from '../support/http-dcr-bridge';
import { type TestSidecar, startTestSidecar } from '../support/sidecar-app';
import { type TestDeveloper, developer, selfManagedStrategy } from '../support/sidecar-fixtures';

describe('sidecar applications with the http (Kong HTTP DCR bridge) driver', () => {
  const apiKey = 'bridge_api_key_0123456789';
  let bridge: HttpDcrBridge;
  let sidecar: TestSidecar;
  let providerId: string;
  let strategyId: string;
  let alice: TestDeveloper;

  const createProvider = (body: Record<string, unknown>) =>
    sidecar.admin({ method: 'POST', url: '/v2/dcr-providers', payload: { provider_type: 'http', issuer: 'https://idp.example.com', ...body } });

  beforeAll(async () => {
    bridge = await startHttpDcrBridge(apiKey);
    sidecar = await startTestSidecar({ deletionBackoff: { baseMs: 0, maxMs: 0 } });
    const provider = await createProvider({ name: 'bridge', dcr_config: { dcr_base_url: bridge.url, api_key: apiKey } });
    providerId = provider.json().id;
    strategyId = await selfManagedStrategy(sidecar, 'https://idp.example.com', { providerId });
    alice = await developer(sidecar);
  });
  afterAll(async () => {
    await sidecar?.close();
    await bridge?.stop();
  });

  const createApp = () =>
    alice.call({ method: 'POST', url: '/v2/applications', payload: { name: 'bridged', description: 'via the bridge', auth_strategy_id: strategyId } });

  it('returns the provider without its api_key', async () => {
    const response = await sidecar.admin({ url: `/v2/dcr-providers/${providerId}` });
    expect(response.json().dcr_config).toEqual({ dcr_base_url: bridge.url });
    expect(response.body).not.toContain(apiKey);
  });

  it('returns 400 naming dcr_config.api_key when it does not match Kong constraints', async () => {
    const response = await createProvider({ name: 'bad-key', dcr_config: { dcr_base_url: bridge.url, api_key: 'short' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().invalid_parameters[0].field).toBe('dcr_config.api_key');
  });

  it('returns 400 naming dcr_config.dcr_base_url for plain http off loopback', async () => {
    const response = await createProvider({ name: 'bad-url', dcr_config: { dcr_base_url: 'http://bridge.example.com', api_key: apiKey } });
    expect(response.statusCode).toBe(400);
    expect(response.json().invalid_parameters[0].field).toBe('dcr_config.dcr_base_url');
  });

  it('registers the client at the bridge with the spec fields and returns its credentials once', async () => {
    const response = await createApp();
    expect(response.statusCode).toBe(201);
    const app = response.json();
    const client = bridge.clients.get(app.client_id);
    expect(client?.client_secret).toBe(app.client_secret);
    expect(client?.request).toMatchObject({
      client_name: 'kong-dcr-bridged',
      application_description: 'via the bridge',
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
      redirect_uris: [],
      developer_id: alice.id,
    });
  });

  it('returns the bridge new secret on refresh-secret', async () => {
    const app = (await createApp()).json();
    const response = await alice.call({ method: 'POST', url: `/v2/applications/${app.id}/refresh-secret` });
    expect(response.statusCode).toBe(200);
    expect(response.json().client_secret).toBe(bridge.clients.get(app.client_id)?.client_secret);
    expect(response.json().client_secret).not.toBe(app.client_secret);
  });

  it('returns 502 on refresh-secret when the bridge answers without a client_secret', async () => {
    const app = (await createApp()).json();
    bridge.fail(200, 1, { client_id: app.client_id });
    const response = await alice.call({ method: 'POST', url: `/v2/applications/${app.id}/refresh-secret` });
    expect(response.statusCode).toBe(502);
    expect(response.json().idp_error).toEqual({
      error: 'invalid_registration_response',
      error_description: 'the new secret response has no client_secret',
    });
  });

  it('deletes the client at the bridge on delete', async () => {
    const app = (await createApp()).json();
    expect((await alice.call({ method: 'DELETE', url: `/v2/applications/${app.id}` })).statusCode).toBe(204);
    expect(bridge.clients.has(app.client_id)).toBe(false);
  });

  it('returns 502 with the bridge own error when it refuses, and stores nothing', async () => {
    bridge.fail(400);
    const response = await createApp();
    expect(response.statusCode).toBe(502);
    expect(response.json().idp_error).toEqual({ error: 'bridge_failure', error_description: 'the IdP behind the bridge failed' });
    const list = (await alice.call({ url: '/v2/applications?page[size]=100' })).json();
    expect(list.data.every((a: { client_id: string }) => bridge.clients.has(a.client_id))).toBe(true);
  });

  it.each([
    ['client_id', { client_secret: 'a-secret-for-no-client' }],
    ['client_secret', { client_id: 'br_without_secret' }],
  ])('returns 502 and stores nothing when the bridge answers 201 without a %s', async (missing, body) => {
    bridge.fail(201, 1, body);
    const response = await createApp();
    expect(response.statusCode).toBe(502);
    expect(response.json()).toMatchObject({
      status: 502,
      detail: expect.stringContaining(missing),
      idp_error: { error: 'invalid_registration_response', error_description: expect.stringContaining(missing) },
    });
    const list = (await alice.call({ url: '/v2/applications?page[size]=100' })).json();
    expect(list.data.map((a: { client_id: string }) => a.client_id)).not.toContain('br_without_secret');
    expect(list.data.every((a: { client_id: string }) => bridge.clients.has(a.client_id))).toBe(true);
  });

  it('keeps the application pending_deletion when the bridge fails the delete, then retries', async () => {
    const app = (await createApp()).json();
    bridge.fail(500);
    expect((await alice.call({ method: 'DELETE', url: `/v2/applications/${app.id}` })).statusCode).toBe(202);
    expect(bridge.clients.has(app.client_id)).toBe(true);
    await sidecar.app.deletion.retryDue();
    expect(bridge.clients.has(app.client_id)).toBe(false);
  });

  it('returns 409 when the provider with applications would move to another bridge URL', async () => {
    await createApp();
    const url = `/v2/dcr-providers/${providerId}`;
    const moved = await sidecar.admin({ method: 'PATCH', url, payload: { dcr_config: { dcr_base_url: 'https://other-bridge.example.com' } } });
    expect(moved.statusCode).toBe(409);
    expect((await sidecar.admin({ url })).json().dcr_config).toEqual({ dcr_base_url: bridge.url });
  });

  it('answers verify with success, and failed for a wrong api_key', async () => {
    const good = await sidecar.admin({ method: 'POST', url: `/v2/dcr-providers/${providerId}/verify` });
    expect(good.json()).toEqual({ status: 'success', errors: [] });
    const wrong = (await createProvider({ name: 'wrong-key', dcr_config: { dcr_base_url: bridge.url, api_key: 'wrong_key_0123456789' } })).json();
    const bad = await sidecar.admin({ method: 'POST', url: `/v2/dcr-providers/${wrong.id}/verify` });
    expect(bad.json()).toEqual({ status: 'failed', errors: ['unauthorized: invalid api key'] });
  });

  it('reports the bridge as unsupported in reconcile (it cannot list clients)', async () => {
    const report = (await sidecar.admin({ url: '/v2/reconcile' })).json().data;
    expect(report.find((r: { provider_id: string }) => r.provider_id === providerId)).toMatchObject({ status: 'unsupported' });
  });

  it('never logs the api_key or a client secret', () => {
    expect(sidecar.logs()).not.toContain(apiKey);
    for (const client of bridge.clients.values()) expect(sidecar.logs()).not.toContain(client.client_secret);
  });
});
