import { type TestSidecar, startTestSidecar } from '../support/sidecar-app';
import { developer } from '../support/sidecar-fixtures';

describe('sidecar /v2/application-auth-strategies', () => {
  let sidecar: TestSidecar;
  let providerId: string;
  let counter = 0;
  const base = '/v2/application-auth-strategies';

  beforeAll(async () => {
    sidecar = await startTestSidecar();
    const provider = await sidecar.admin({
      method: 'POST',
      url: '/v2/dcr-providers',
      payload: {
        name: 'okta',
        provider_type: 'okta',
        issuer: 'https://acme.okta.com/oauth2/default',
        dcr_config: { dcr_token: 'dcr-token-value' },
      },
    });
    providerId = provider.json().id;
  });
  afterAll(() => sidecar.close());

  // The body of Kong's Okta DCR guide.
  const strategy = (overrides: Record<string, unknown> = {}) => ({
    name: `okta-client-credentials-${++counter}`,
    display_name: 'Okta client credentials',
    strategy_type: 'openid_connect',
    configs: {
      'openid-connect': {
        issuer: 'https://acme.okta.com/oauth2/default',
        credential_claim: ['client_id'],
        scopes: ['openid'],
        auth_methods: ['client_credentials', 'bearer'],
      },
    },
    dcr_provider_id: providerId,
    ...overrides,
  });
  const create = (body: Record<string, unknown>) => sidecar.admin({ method: 'POST', url: base, payload: body });

  it('returns 201 with the strategy as Kong guide creates it', async () => {
    const body = strategy();
    const response = await create(body);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ ...body, id: expect.any(String), auto_approve: false });
  });

  it('returns 201 for a self-managed strategy without dcr_provider_id', async () => {
    const { dcr_provider_id: _id, ...body } = strategy();
    const response = await create(body);
    expect(response.statusCode).toBe(201);
    expect(response.json().dcr_provider_id).toBeNull();
  });

  it('returns 401 without the admin token', async () => {
    expect((await sidecar.app.inject({ method: 'POST', url: base, payload: strategy() })).statusCode).toBe(401);
  });

  it('returns 400 naming dcr_provider_id when the provider does not exist', async () => {
    const response = await create(strategy({ dcr_provider_id: '00000000-0000-4000-8000-000000000000' }));
    expect(response.statusCode).toBe(400);
    expect(response.json().invalid_parameters).toEqual([{ field: 'dcr_provider_id', reason: expect.any(String) }]);
  });

  it('returns 400 naming the issuer field when configs lack it', async () => {
    const response = await create(strategy({ configs: { 'openid-connect': {} } }));
    expect(response.statusCode).toBe(400);
    expect(response.json().invalid_parameters[0].field).toBe('configs.openid-connect.issuer');
  });

  it('returns 400 for a strategy_type other than openid_connect', async () => {
    const response = await create(strategy({ strategy_type: 'key_auth' }));
    expect(response.statusCode).toBe(400);
    expect(response.json().invalid_parameters[0].field).toBe('strategy_type');
  });

  it('returns 409 for a duplicate name', async () => {
    const body = strategy();
    await create(body);
    expect((await create(body)).statusCode).toBe(409);
  });

  it('updates auto_approve and the display name', async () => {
    const created = (await create(strategy())).json();
    const response = await sidecar.admin({
      method: 'PATCH',
      url: `${base}/${created.id}`,
      payload: { auto_approve: true, display_name: 'Renamed' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ auto_approve: true, display_name: 'Renamed', name: created.name });
  });

  it('returns 400 when a patch moves the strategy to another provider', async () => {
    const created = (await create(strategy())).json();
    const response = await sidecar.admin({
      method: 'PATCH',
      url: `${base}/${created.id}`,
      payload: { dcr_provider_id: null },
    });
    expect(response.statusCode).toBe(400);
  });

  it('lists strategies with the paging shape', async () => {
    const response = await sidecar.admin({ url: `${base}?page[size]=1` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ data: [expect.any(Object)], meta: { page: { number: 1, size: 1 } } });
  });

  it('returns 409 when deleting a strategy that applications use', async () => {
    const { dcr_provider_id: _id, ...selfManaged } = strategy();
    const created = (await create(selfManaged)).json();
    const dev = await developer(sidecar);
    // An admin's claim: this strategy's issuer does not exist, so a developer could not prove the client.
    const app = await sidecar.admin({
      method: 'POST',
      url: `/v2/developers/${dev.id}/applications`,
      payload: { name: 'uses-it', auth_strategy_id: created.id, client_id: `existing-${created.id}` },
    });
    expect(app.statusCode).toBe(201);
    expect((await sidecar.admin({ method: 'DELETE', url: `${base}/${created.id}` })).statusCode).toBe(409);
  });

  it('returns 204 on delete, then 404 on get', async () => {
    const created = (await create(strategy())).json();
    expect((await sidecar.admin({ method: 'DELETE', url: `${base}/${created.id}` })).statusCode).toBe(204);
    expect((await sidecar.admin({ url: `${base}/${created.id}` })).statusCode).toBe(404);
  });
});
