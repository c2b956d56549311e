import { type TestSidecar, startTestSidecar } from '../support/sidecar-app';

describe('sidecar /v2/dcr-providers', () => {
  let sidecar: TestSidecar;
  let counter = 0;

  beforeAll(async () => {
    sidecar = await startTestSidecar();
  });
  afterAll(() => sidecar.close());

  const oktaProvider = (overrides: Record<string, unknown> = {}) => ({
    name: `okta-${++counter}`,
    provider_type: 'okta',
    issuer: 'https://acme.okta.com/oauth2/default',
    dcr_config: { dcr_token: `00secret-dcr-token-${counter}` },
    ...overrides,
  });
  const create = (body: Record<string, unknown>) =>
    sidecar.admin({ method: 'POST', url: '/v2/dcr-providers', payload: body });

  it('returns 401 with a problem body without the admin token', async () => {
    const response = await sidecar.app.inject({ method: 'GET', url: '/v2/dcr-providers' });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ status: 401, title: 'Unauthorized' });
  });

  it('returns 401 with a wrong admin token', async () => {
    const response = await sidecar.app.inject({
      method: 'GET',
      url: '/v2/dcr-providers',
      headers: { authorization: `Bearer ${sidecar.adminToken}x` },
    });
    expect(response.statusCode).toBe(401);
  });

  it('returns 201 with the provider and without its dcr_token', async () => {
    const body = oktaProvider({ labels: { env: 'test' } });
    const response = await create(body);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      id: expect.any(String),
      name: body.name,
      provider_type: 'okta',
      issuer: body.issuer,
      dcr_config: {},
      labels: { env: 'test' },
    });
    expect(response.body).not.toContain('dcr-token');
  });

  it('returns 400 naming the field when dcr_token is missing', async () => {
    const response = await create(oktaProvider({ dcr_config: {} }));
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      status: 400,
      invalid_parameters: [{ field: 'dcr_config.dcr_token', reason: expect.any(String) }],
    });
  });

  it('returns 400 naming provider_type for an unknown type', async () => {
    const response = await create(oktaProvider({ provider_type: 'keycloak' }));
    expect(response.statusCode).toBe(400);
    expect(response.json().invalid_parameters).toEqual([{ field: 'provider_type', reason: expect.any(String) }]);
  });

  it('returns 400 naming name when it is missing', async () => {
    const { name: _name, ...body } = oktaProvider();
    const response = await create(body);
    expect(response.statusCode).toBe(400);
    expect(response.json().invalid_parameters).toEqual([{ field: 'name', reason: expect.any(String) }]);
  });

  it('returns 400 for a plain-http issuer off loopback', async () => {
    const response = await create(oktaProvider({ issuer: 'http://acme.okta.com/oauth2/default' }));
    expect(response.statusCode).toBe(400);
    expect(response.json().invalid_parameters).toEqual([{ field: 'issuer', reason: expect.any(String) }]);
  });

  it('returns 409 for a second provider with the same name', async () => {
    const body = oktaProvider();
    expect((await create(body)).statusCode).toBe(201);
    const response = await create(body);
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ status: 409, title: 'Conflict' });
  });

  it('returns 404 for an unknown id and 400 for an id that is not a uuid', async () => {
    const unknown = await sidecar.admin({ url: '/v2/dcr-providers/00000000-0000-4000-8000-000000000000' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ status: 404, title: 'Not Found' });
    expect((await sidecar.admin({ url: '/v2/dcr-providers/nope' })).statusCode).toBe(400);
  });

  it('pages the list with page[number] and page[size]', async () => {
    await create(oktaProvider());
    await create(oktaProvider());
    const first = await sidecar.admin({ url: '/v2/dcr-providers?page[number]=1&page[size]=2' });
    expect(first.statusCode).toBe(200);
    const { data, meta } = first.json();
    expect(data).toHaveLength(2);
    expect(meta.page).toEqual({ number: 1, size: 2, total: expect.any(Number) });
    expect(meta.page.total).toBeGreaterThanOrEqual(3);
    const second = (await sidecar.admin({ url: '/v2/dcr-providers?page[number]=2&page[size]=2' })).json();
    expect(second.data[0].id).not.toBe(data[0].id);
    expect(first.body).not.toContain('dcr-token');
  });

  it('returns 400 for a page size over 100', async () => {
    const response = await sidecar.admin({ url: '/v2/dcr-providers?page[size]=101' });
    expect(response.statusCode).toBe(400);
    expect(response.json().invalid_parameters[0].field).toBe('page[size]');
  });

  it('updates the display name and keeps the stored dcr_token', async () => {
    const created = (await create(oktaProvider())).json();
    const response = await sidecar.admin({
      method: 'PATCH',
      url: `/v2/dcr-providers/${created.id}`,
      payload: { display_name: 'Okta prod' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ display_name: 'Okta prod', name: created.name });
    const stored = await sidecar.store.providers.get(created.id);
    expect(stored?.dcr_secrets.dcr_token).toMatch(/^00secret-dcr-token-/);
  });

  it('replaces the dcr_token when a patch carries one', async () => {
    const created = (await create(oktaProvider())).json();
    await sidecar.admin({ method: 'PATCH', url: `/v2/dcr-providers/${created.id}`, payload: { dcr_config: { dcr_token: 'rotated-token' } } });
    expect((await sidecar.store.providers.get(created.id))?.dcr_secrets.dcr_token).toBe('rotated-token');
  });

  it('changes the issuer of a provider no application uses', async () => {
    const created = (await create(oktaProvider())).json();
    const issuer = 'https://other.okta.com/oauth2/default';
    const response = await sidecar.admin({ method: 'PATCH', url: `/v2/dcr-providers/${created.id}`, payload: { issuer } });
    expect(response.statusCode).toBe(200);
    expect(response.json().issuer).toBe(issuer);
  });

  it('returns 400 when a patch changes provider_type', async () => {
    const created = (await create(oktaProvider())).json();
    const response = await sidecar.admin({
      method: 'PATCH',
      url: `/v2/dcr-providers/${created.id}`,
      payload: { provider_type: 'other' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().invalid_parameters[0].field).toBe('provider_type');
  });

  it('returns 204 on delete, then 404', async () => {
    const created = (await create(oktaProvider())).json();
    expect((await sidecar.admin({ method: 'DELETE', url: `/v2/dcr-providers/${created.id}` })).statusCode).toBe(204);
    expect((await sidecar.admin({ url: `/v2/dcr-providers/${created.id}` })).statusCode).toBe(404);
  });

  it('returns 409 when deleting a provider an auth strategy uses', async () => {
    const created = (await create(oktaProvider())).json();
    const strategy = await sidecar.admin({
      method: 'POST',
      url: '/v2/application-auth-strategies',
      payload: {
        name: `strategy-${created.id}`,
        display_name: 'Strategy',
        strategy_type: 'openid_connect',
        configs: { 'openid-connect': { issuer: created.issuer } },
        dcr_provider_id: created.id,
      },
    });
    expect(strategy.statusCode).toBe(201);
    const response = await sidecar.admin({ method: 'DELETE', url: `/v2/dcr-providers/${created.id}` });
    expect(response.statusCode).toBe(409);
  });

  it('answers verify with failed and the reason when the IdP cannot be reached', async () => {
    const created = (await create(oktaProvider({ issuer: 'http://127.0.0.1:1/oauth2/default' }))).json();
    const response = await sidecar.admin({ method: 'POST', url: `/v2/dcr-providers/${created.id}/verify` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'failed', errors: [expect.stringMatching(/unreachable/)] });
  });

  it('never writes the dcr_token or the admin token to the logs', () => {
    expect(sidecar.logs()).not.toContain('secret-dcr-token');
    expect(sidecar.logs()).not.toContain(sidecar.adminToken);
  });
});
