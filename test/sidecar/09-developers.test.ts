import { type TestSidecar, startTestSidecar } from '../support/sidecar-app';

describe('sidecar /v2/developers', () => {
  let sidecar: TestSidecar;
  let counter = 0;

  beforeAll(async () => {
    sidecar = await startTestSidecar();
  });
  afterAll(() => sidecar.close());

  const create = () =>
    sidecar.admin({
      method: 'POST',
      url: '/v2/developers',
      payload: { email: `dev${++counter}@example.com`, full_name: 'Dev Eloper' },
    });
  const asDeveloper = (token: string) =>
    sidecar.app.inject({ url: '/v2/applications', headers: { authorization: `Bearer ${token}` } });

  it('returns 201 with the developer and a token shown once', async () => {
    const response = await create();
    expect(response.statusCode).toBe(201);
    const developer = response.json();
    expect(developer).toMatchObject({ id: expect.any(String), email: `dev${counter}@example.com`, full_name: 'Dev Eloper' });
    expect(developer.token).toMatch(/^kdcr_dev_/);
    const read = await sidecar.admin({ url: `/v2/developers/${developer.id}` });
    expect(read.json()).not.toHaveProperty('token');
    expect(read.body).not.toContain(developer.token);
  });

  it('returns 400 naming email when it is not an email address', async () => {
    const response = await sidecar.admin({ method: 'POST', url: '/v2/developers', payload: { email: 'nope', full_name: 'X' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().invalid_parameters[0].field).toBe('email');
  });

  it('returns 409 for a second developer with the same email', async () => {
    await create();
    const response = await sidecar.admin({
      method: 'POST',
      url: '/v2/developers',
      payload: { email: `dev${counter}@example.com`, full_name: 'Again' },
    });
    expect(response.statusCode).toBe(409);
  });

  it('returns 401 for developer calls without a token or with an unknown one', async () => {
    expect((await sidecar.app.inject({ url: '/v2/applications' })).statusCode).toBe(401);
    expect((await asDeveloper('kdcr_dev_unknown')).statusCode).toBe(401);
  });

  it('returns 403 naming the developer token for developer-only calls made with the admin token', async () => {
    const response = await sidecar.app.inject({
      method: 'POST',
      url: '/v2/applications',
      headers: { authorization: `Bearer ${sidecar.adminToken}` },
      payload: { name: 'x', auth_strategy_id: '00000000-0000-4000-8000-000000000000' },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ status: 403, title: 'Forbidden', detail: 'this call needs a developer token' });
  });

  it('returns 403 naming the admin token for admin calls made with a developer token', async () => {
    const { token } = (await create()).json();
    const response = await sidecar.app.inject({ url: '/v2/developers', headers: { authorization: `Bearer ${token}` } });
    expect(response.statusCode).toBe(403);
    expect(response.json().detail).toBe('this call needs the admin token');
  });

  it('issues a new token and refuses the old one from then on', async () => {
    const developer = (await create()).json();
    expect((await asDeveloper(developer.token)).statusCode).toBe(200);
    const renewed = await sidecar.admin({ method: 'POST', url: `/v2/developers/${developer.id}/token` });
    expect(renewed.statusCode).toBe(201);
    expect(renewed.json().token).not.toBe(developer.token);
    expect((await asDeveloper(developer.token)).statusCode).toBe(401);
    expect((await asDeveloper(renewed.json().token)).statusCode).toBe(200);
  });

  it('lists developers with the paging shape and without tokens', async () => {
    const { token } = (await create()).json();
    const response = await sidecar.admin({ url: '/v2/developers?page[size]=100' });
    expect(response.json().meta.page).toMatchObject({ number: 1, size: 100, total: expect.any(Number) });
    expect(response.body).not.toContain(token);
  });

  it('returns 409 when deleting a developer who still has applications', async () => {
    const developer = (await create()).json();
    const strategy = await sidecar.admin({
      method: 'POST',
      url: '/v2/application-auth-strategies',
      payload: { name: `self-${developer.id}`, display_name: 'Self', strategy_type: 'openid_connect', configs: { 'openid-connect': { issuer: 'https://idp.example.com' } } },
    });
    // An admin's claim: this strategy's issuer does not exist, so the developer could not prove the client.
    const app = await sidecar.admin({
      method: 'POST',
      url: `/v2/developers/${developer.id}/applications`,
      payload: { name: 'kept', auth_strategy_id: strategy.json().id, client_id: `existing-${developer.id}` },
    });
    expect(app.statusCode).toBe(201);
    expect((await sidecar.admin({ method: 'DELETE', url: `/v2/developers/${developer.id}` })).statusCode).toBe(409);
  });

  it('returns 204 on delete and 401 for the deleted developer token', async () => {
    const developer = (await create()).json();
    expect((await sidecar.admin({ method: 'DELETE', url: `/v2/developers/${developer.id}` })).statusCode).toBe(204);
    expect((await sidecar.admin({ url: `/v2/developers/${developer.id}` })).statusCode).toBe(404);
    expect((await asDeveloper(developer.token)).statusCode).toBe(401);
  });
});
