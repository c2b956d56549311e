import { type TestSidecar, startTestSidecar } from '../support/sidecar-app';
import { testDatabases } from '../support/sidecar-databases';

describe.each(testDatabases)('sidecar list filters and names on %s', (_name, createDatabase) => {
  let sidecar: TestSidecar;

  beforeAll(async () => {
    sidecar = await startTestSidecar({}, createDatabase);
    for (const name of ['local-okta', 'local-okta-2']) {
      const provider = await sidecar.admin({
        method: 'POST',
        url: '/v2/dcr-providers',
        payload: { name, provider_type: 'okta', issuer: 'https://acme.okta.com/oauth2/default', dcr_config: { dcr_token: 'x' } },
      });
      expect(provider.statusCode).toBe(201);
      const strategy = await sidecar.admin({
        method: 'POST',
        url: '/v2/application-auth-strategies',
        payload: {
          name: `${name}-client-credentials`,
          display_name: 'Local Okta',
          strategy_type: 'openid_connect',
          configs: { 'openid-connect': { issuer: 'https://acme.okta.com/oauth2/default' } },
        },
      });
      expect(strategy.statusCode).toBe(201);
    }
    for (const email of ['Dana@Example.com', 'dan@example.com']) {
      expect((await sidecar.admin({ method: 'POST', url: '/v2/developers', payload: { email, full_name: 'Dana' } })).statusCode).toBe(201);
    }
  });
  afterAll(() => sidecar.close());

  const names = (body: { data: { name: string }[] }) => body.data.map((item) => item.name);

  it('returns 200 with only the provider of exactly that name, in the list shape', async () => {
    const response = await sidecar.admin({ url: '/v2/dcr-providers?filter[name]=local-okta' });
    expect(response.statusCode).toBe(200);
    expect(names(response.json())).toEqual(['local-okta']);
    expect(response.json().meta.page).toEqual({ number: 1, size: 10, total: 1 });
  });

  it('returns 200 with an empty list when no provider has that name (no prefix or case match)', async () => {
    for (const name of ['local', 'LOCAL-OKTA']) {
      const response = await sidecar.admin({ url: `/v2/dcr-providers?filter[name]=${name}` });
      expect(response.json()).toEqual({ data: [], meta: { page: { number: 1, size: 10, total: 0 } } });
    }
  });

  it('returns 200 with only the auth strategy of exactly that name', async () => {
    const response = await sidecar.admin({ url: '/v2/application-auth-strategies?filter[name]=local-okta-client-credentials' });
    expect(response.statusCode).toBe(200);
    expect(names(response.json())).toEqual(['local-okta-client-credentials']);
    expect(response.json().meta.page.total).toBe(1);
  });

  it('returns 200 with only the developer of that email, whatever its case', async () => {
    const response = await sidecar.admin({ url: '/v2/developers?filter[email]=dana@example.COM' });
    expect(response.statusCode).toBe(200);
    expect(response.json().data.map((d: { email: string }) => d.email)).toEqual(['Dana@Example.com']);
    expect(response.json().meta.page.total).toBe(1);
  });

  it('returns 409 for a developer whose email differs from another only in case', async () => {
    const response = await sidecar.admin({ method: 'POST', url: '/v2/developers', payload: { email: 'DANA@example.com', full_name: 'Dana' } });
    expect(response.statusCode).toBe(409);
    expect(response.json().detail).toBe('a developer with email DANA@example.com already exists');
  });

  it('returns 200 with every item when no filter is given', async () => {
    expect((await sidecar.admin({ url: '/v2/dcr-providers' })).json().meta.page.total).toBe(2);
    expect((await sidecar.admin({ url: '/v2/developers' })).json().meta.page.total).toBe(2);
  });

  it('returns 400 "must not be blank" for names of only white space', async () => {
    const blank = '   ';
    const attempts = [
      { url: '/v2/dcr-providers', field: 'name', payload: { name: blank, provider_type: 'okta', issuer: 'https://a.okta.com', dcr_config: { dcr_token: 'x' } } },
      {
        url: '/v2/application-auth-strategies',
        field: 'display_name',
        payload: { name: 'fine', display_name: blank, strategy_type: 'openid_connect', configs: { 'openid-connect': { issuer: 'https://a.okta.com' } } },
      },
      { url: '/v2/developers', field: 'full_name', payload: { email: 'blank@example.com', full_name: '\t \n' } },
    ];
    for (const { url, field, payload } of attempts) {
      const response = await sidecar.admin({ method: 'POST', url, payload });
      expect(response.statusCode).toBe(400);
      expect(response.json().invalid_parameters).toEqual([{ field, reason: 'must not be blank' }]);
    }
  });

  it('returns 400 for a blank name in a PATCH', async () => {
    const [provider] = (await sidecar.admin({ url: '/v2/dcr-providers?filter[name]=local-okta' })).json().data;
    const response = await sidecar.admin({ method: 'PATCH', url: `/v2/dcr-providers/${provider.id}`, payload: { name: ' ' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().invalid_parameters).toEqual([{ field: 'name', reason: 'must not be blank' }]);
  });
});
