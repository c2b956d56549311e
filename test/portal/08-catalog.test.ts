import type { AddressInfo } from 'node:net';
import {
  ApplicationAnalyticsApi,
  ApplicationsApi,
  Configuration,
  DeveloperApi,
  DocumentationApi,
  PortalApi,
  ProductsApi,
  SearchApi,
  VersionsApi,
} from '@kong/sdk-portal-js';
import type { InjectOptions } from 'fastify';
import { PORTAL } from '../../sidecar/defaults';
import { type TestPortal, startTestPortal } from '../support/portal-app';
import { loadPortalContract } from '../support/portal-contract';
import { PASSWORD, signedIn } from '../support/portal-journey';
import { recordedClient, statusOf } from '../support/portal-sdk';
import { testDatabases } from '../support/sidecar-databases';
import { selfManagedStrategy } from '../support/sidecar-fixtures';

const contract = loadPortalContract();
const UNKNOWN_ID = '0f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f';

const SPEC = `openapi: 3.0.3
info: { title: demo, version: 1.0.0 }
paths:
  /hello:
    get: { operationId: sayHello, summary: Say hello, tags: [greetings], responses: { '200': { description: ok } } }
    post: { deprecated: true, responses: { '201': { description: created } } }
`;

/** The SDK's own client classes over one recorded browser-like client (cookies kept), each response checked against the contract. */
function sdkClients(url: string) {
  const recorded = recordedClient(url, contract);
  const configuration = new Configuration({ basePath: url });
  const axios = recorded.client as unknown as ConstructorParameters<typeof ProductsApi>[2];
  return {
    ...recorded,
    developer: new DeveloperApi(configuration, url, axios),
    products: new ProductsApi(configuration, url, axios),
    versions: new VersionsApi(configuration, url, axios),
    documentation: new DocumentationApi(configuration, url, axios),
    search: new SearchApi(configuration, url, axios),
    applications: new ApplicationsApi(configuration, url, axios),
    portal: new PortalApi(configuration, url, axios),
    analytics: new ApplicationAnalyticsApi(configuration, url, axios),
  };
}

describe.each(testDatabases)('the portal catalog (Portal API v2 products, search, auth strategies) on %s', (_name, createDatabase) => {
  let t: TestPortal;
  let url: string;
  let strategyId: string;
  let demo: string;
  let billing: string;
  let hidden: string;
  let cookie: string;
  let developerId: string;
  /** The contract's problems of each response seen (raw and through the SDK): all must be empty. */
  const checked: string[][] = [];

  /** A raw request to the portal listener, its response checked against the contract. */
  const call = async (options: InjectOptions & { url: string }) => {
    const response = await t.call(options);
    const method = (options.method ?? 'GET').toUpperCase();
    const template = contract.templateOf(method, options.url);
    checked.push(template ? contract.problemsOf(method, template, response) : [`no operation ${method} ${options.url}`]);
    return response;
  };
  const asDeveloper = (path: string) => call({ url: path, headers: { cookie } });

  const createApi = async (payload: object) => {
    const response = await t.sidecar.admin({ method: 'POST', url: '/v3/apis', payload });
    expect(response.statusCode).toBe(201);
    return response.json().id as string;
  };
  const publish = async (apiId: string, payload: object) =>
    expect((await t.sidecar.admin({ method: 'PUT', url: `/v3/apis/${apiId}/publications/${PORTAL.id}`, payload })).statusCode).toBe(201);

  beforeAll(async () => {
    t = await startTestPortal(createDatabase);
    await t.portal.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(t.portal.server.address() as AddressInfo).port}`;
    strategyId = await selfManagedStrategy(t.sidecar, 'https://idp.example.com/oauth2/default');
    demo = await createApi({ name: 'demo', description: 'The demo service', version: '1.0.0', spec_content: SPEC, labels: { team: 'core' } });
    await publish(demo, { visibility: 'public', auth_strategy_ids: [strategyId] });
    billing = await createApi({ name: 'billing_100%', description: 'Invoices for signed-in developers' });
    await publish(billing, { visibility: 'private', auth_strategy_ids: null });
    hidden = await createApi({ name: 'hidden', description: 'The demo of nothing' });
    ({ cookie, id: developerId } = await signedIn(t));
  });
  afterAll(() => t?.close());
  afterEach(() => {
    expect(checked.flat()).toEqual([]);
    checked.length = 0;
  });

  it('lists the public products to anyone and the private ones too to a signed-in developer, never an unpublished API', async () => {
    const anonymous = await call({ url: '/api/v2/products' });
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.json()).toEqual({
      data: [
        {
          id: demo,
          name: 'demo',
          description: 'The demo service',
          created_at: expect.any(String),
          updated_at: expect.any(String),
          document_count: 0,
          version_count: 1,
          latest_version: { id: demo, name: '1.0.0' },
          public_labels: { team: 'core' },
        },
      ],
      meta: { page: { number: 1, size: 10, total: 1 } },
    });
    const mine = (await asDeveloper('/api/v2/products')).json();
    expect(mine.data.map((p: { name: string }) => p.name)).toEqual(['demo', 'billing_100%']);
    expect(mine.meta.page.total).toBe(2);
    expect(mine.data[1].latest_version).toEqual({ id: billing, name: 'unversioned' });
  });

  it.each([
    ['filter[name]=demo', ['demo']],
    ['filter[name][eq]=billing_100%25', ['billing_100%']],
    ['filter[name][contains]=BILL', ['billing_100%']],
    ['filter[name][contains]=_100%25', ['billing_100%']],
    ['filter[name][contains]=g_1', ['billing_100%']],
    ['filter[name][contains]=%25', ['billing_100%']],
    ['filter[name][contains]=e_', []],
    ['filter[description][contains]=SIGNED-IN', ['billing_100%']],
    ['filter[description]=The demo service', ['demo']],
    ['filter[description][eq]=The demo of nothing', []],
    [`filter[id]=${'$demo'}`, ['demo']],
    [`filter[id][eq]=${'$billing'}`, ['billing_100%']],
    ['page[size]=1&page[number]=2', ['billing_100%']],
    ['page[size]=1&page[number]=3', []],
  ])('filters the signed-in list by %s (LIKE wildcards taken literally)', async (query, names) => {
    const path = `/api/v2/products?${query.replace('$demo', demo).replace('$billing', billing)}`;
    const body = (await asDeveloper(path)).json();
    expect(body.data.map((p: { name: string }) => p.name)).toEqual(names);
    if (!query.startsWith('page')) expect(body.meta.page.total).toBe(names.length);
  });

  it('answers 400 with the problem body for a malformed filter or id', async () => {
    const filter = await call({ url: '/api/v2/products?filter[id]=not-a-uuid' });
    expect(filter.statusCode).toBe(400);
    expect(filter.json()).toMatchObject({ status: 400, title: 'Bad Request', invalid_parameters: [{ field: 'filter[id]' }] });
    expect((await call({ url: '/api/v2/products/not-a-uuid' })).statusCode).toBe(400);
    expect((await call({ url: '/api/v2/products?page[size]=0' })).statusCode).toBe(400);
  });

  it('gets a product, its actions, its one version and its registration config; a private one is a 404 to an anonymous visitor', async () => {
    expect((await call({ url: `/api/v2/products/${demo}` })).json()).toMatchObject({ id: demo, name: 'demo', version_count: 1 });
    expect((await call({ url: `/api/v2/products/${demo}/actions` })).json()).toEqual({ actions: { view: true, register: false, view_documentation: true } });
    expect((await asDeveloper(`/api/v2/products/${demo}/actions`)).json()).toEqual({ actions: { view: true, register: true, view_documentation: true } });
    expect((await asDeveloper(`/api/v2/products/${billing}/actions`)).json()).toEqual({ actions: { view: true, register: false, view_documentation: true } });
    const version = {
      id: demo,
      name: '1.0.0',
      deprecated: false,
      created_at: expect.any(String),
      updated_at: expect.any(String),
      registration_configs: [
        {
          id: strategyId,
          name: 'Okta client credentials',
          credential_type: 'self_managed_client_credentials',
          auth_methods: ['client_credentials', 'bearer'],
          available_scopes: ['api:read'],
          registration_enabled: true,
          registration_auto_approve: false,
        },
      ],
    };
    expect((await call({ url: `/api/v2/products/${demo}/versions` })).json()).toEqual({ data: [version], meta: { page: { number: 1, size: 10, total: 1 } } });
    expect((await call({ url: `/api/v2/products/${demo}/versions?filter[name][contains]=1.0` })).json().meta.page.total).toBe(1);
    expect((await call({ url: `/api/v2/products/${demo}/versions?filter[name]=2.0.0` })).json()).toEqual({ data: [], meta: { page: { number: 1, size: 10, total: 0 } } });
    expect((await call({ url: `/api/v2/products/${demo}/versions/${demo}` })).json()).toEqual(version);
    expect((await asDeveloper(`/api/v2/products/${billing}/versions/${billing}`)).json()).toMatchObject({ name: 'unversioned', registration_configs: [] });

    const notFound = await call({ url: `/api/v2/products/${billing}` });
    expect(notFound.statusCode).toBe(404);
    expect(notFound.json()).toEqual({ status: 404, title: 'Not Found', detail: `product ${billing} does not exist`, instance: `/api/v2/products/${billing}` });
    for (const path of [`/api/v2/products/${hidden}`, `/api/v2/products/${UNKNOWN_ID}`, `/api/v2/products/${demo}/versions/${billing}`, `/api/v2/products/${billing}/versions`]) {
      expect({ path, status: (await call({ url: path })).statusCode }).toEqual({ path, status: 404 });
    }
    expect((await asDeveloper(`/api/v2/products/${hidden}/versions/${hidden}`)).statusCode).toBe(404);
  });

  it("serves the version's OpenAPI document and its operations, and 204 for an API without one", async () => {
    expect((await call({ url: `/api/v2/products/${demo}/versions/${demo}/spec` })).json()).toEqual({ api_type: 'openapi', content: SPEC });
    expect((await call({ url: `/api/v2/products/${demo}/versions/${demo}/spec/operations` })).json()).toEqual({
      api_type: 'openapi',
      operations: [
        { path: '/hello', method: 'get', operation_id: 'sayHello', tags: ['greetings'], summary: 'Say hello', deprecated: false },
        { path: '/hello', method: 'post', operation_id: null, tags: [], summary: null, deprecated: true },
      ],
    });
    for (const path of [`/api/v2/products/${billing}/versions/${billing}/spec`, `/api/v2/products/${billing}/versions/${billing}/spec/operations`]) {
      const response = await asDeveloper(path);
      expect({ path, status: response.statusCode, body: response.body }).toEqual({ path, status: 204, body: '' });
      expect((await call({ url: path })).statusCode).toBe(404);
    }
  });

  it('serves a document that does not parse as it is, with no operations to list', async () => {
    const broken = await createApi({ name: 'broken', spec_content: 'paths: [unclosed' });
    await publish(broken, { visibility: 'private' });
    try {
      expect((await asDeveloper(`/api/v2/products/${broken}/versions/${broken}/spec`)).json()).toEqual({ api_type: 'openapi', content: 'paths: [unclosed' });
      expect((await asDeveloper(`/api/v2/products/${broken}/versions/${broken}/spec/operations`)).json()).toEqual({ api_type: 'openapi', operations: [] });
    } finally {
      expect((await t.sidecar.admin({ method: 'DELETE', url: `/v3/apis/${broken}/publications/${PORTAL.id}` })).statusCode).toBe(204);
    }
    expect((await asDeveloper(`/api/v2/products/${broken}`)).statusCode).toBe(404);
  });

  it('has no documents: an empty list for a visible product, 404 for a document id or a product out of sight', async () => {
    expect((await call({ url: `/api/v2/products/${demo}/documents` })).json()).toEqual({ data: [], meta: { page: { number: 1, size: 10, total: 0 } } });
    const tree = await call({ url: `/api/v2/products/${demo}/documents`, headers: { accept: 'application/vnd.konnect.document-tree+json' } });
    expect(tree.json()).toEqual({ data: [], meta: { page: { number: 1, size: 10, total: 0 } } });
    const document = await call({ url: `/api/v2/products/${demo}/documents/${UNKNOWN_ID}` });
    expect(document.statusCode).toBe(404);
    expect(document.json().detail).toBe(`document ${UNKNOWN_ID} does not exist`);
    expect((await call({ url: `/api/v2/products/${billing}/documents` })).statusCode).toBe(404);
  });

  it('searches the product catalog by every word of q, within what the viewer may see', async () => {
    const search = async (query: string, signedInToo: boolean) =>
      (await (signedInToo ? asDeveloper : (path: string) => call({ url: path }))(`/api/v2/search/product-catalog?${query}`)).json();
    const anonymous = await search('q=DEMO', false);
    expect(anonymous).toEqual({
      data: [{ index: 'product-catalog', source: expect.objectContaining({ id: demo, name: 'demo', latest_version: { id: demo, name: '1.0.0' } }) }],
      meta: { page: { number: 1, size: 10, total: 1 } },
    });
    expect((await search('q=invoices', false)).data).toEqual([]);
    expect((await search('q=invoices signed', true)).data.map((d: { source: { name: string } }) => d.source.name)).toEqual(['billing_100%']);
    expect((await search('q=invoices demo', true)).data).toEqual([]);
    expect((await search('join=versions,versions.documents', true)).meta.page.total).toBe(2);
    expect((await call({ url: '/api/v2/search/documents?q=demo' })).statusCode).toBe(400);
  });

  it('lists the auth strategies of published APIs to a signed-in developer only', async () => {
    expect((await call({ url: '/api/v2/applications/auth-strategies' })).statusCode).toBe(401);
    const strategy = { id: strategyId, name: 'Okta client credentials', credential_type: 'self_managed_client_credentials', auth_methods: ['client_credentials', 'bearer'], available_scopes: ['api:read'] };
    expect((await asDeveloper('/api/v2/applications/auth-strategies')).json()).toEqual({ data: [strategy], meta: { page: { number: 1, size: 10, total: 1 } } });
    for (const [query, total] of [
      ['filter[name][contains]=okta', 1],
      ['filter[name]=Okta client credentials', 1],
      ['filter[name][eq]=other', 0],
      ['filter[credential_type][eq]=self_managed_client_credentials', 1],
      ['filter[credential_type][eq]=client_credentials', 0],
      ['filter[credential_type][eq]=key_auth', 0],
    ] as const) {
      expect({ query, total: (await asDeveloper(`/api/v2/applications/auth-strategies?${query}`)).json().meta.page.total }).toEqual({ query, total });
    }
    // A strategy no published API uses is not on offer.
    await selfManagedStrategy(t.sidecar, 'https://idp.example.com/oauth2/other');
    expect((await asDeveloper('/api/v2/applications/auth-strategies')).json().meta.page.total).toBe(1);
  });

  it("lists the developer's applications with their registration for a version", async () => {
    expect((await call({ url: `/api/v2/products/${demo}/versions/${demo}/applications` })).statusCode).toBe(401);
    const created = await t.sidecar.admin({
      method: 'POST',
      url: `/v2/developers/${developerId}/applications`,
      payload: { name: 'catalog-app', auth_strategy_id: strategyId, client_id: `catalog-client-${process.pid}` },
    });
    expect(created.statusCode).toBe(201);
    const appId = created.json().id as string;
    const path = `/api/v2/products/${demo}/versions/${demo}/applications`;
    expect((await asDeveloper(path)).json()).toEqual({ data: [], meta: { page: { number: 1, size: 10, total: 0 } } });
    const unregistered = (await asDeveloper(`${path}?unregistered=true`)).json();
    expect(unregistered.data).toEqual([
      {
        id: appId,
        name: 'catalog-app',
        registration_id: null,
        registration_status: null,
        auth_strategy: { id: strategyId, name: 'Okta client credentials', credential_type: 'self_managed_client_credentials', auth_methods: ['client_credentials', 'bearer'] },
        created_at: expect.any(String),
        updated_at: expect.any(String),
      },
    ]);
    const token = (await t.call({ method: 'POST', url: '/api/v2/developer/me/token', headers: { cookie } })).json().token as string;
    const registration = await t.sidecar.app.inject({
      method: 'POST',
      url: `/v2/applications/${appId}/registrations`,
      headers: { authorization: `Bearer ${token}` },
      payload: { service: 'demo' },
    });
    expect(registration.statusCode).toBe(201);
    const registered = (await asDeveloper(path)).json();
    expect(registered.data).toEqual([expect.objectContaining({ id: appId, registration_id: registration.json().id, registration_status: 'pending' })]);
    expect((await asDeveloper(`${path}?filter[status]=approved`)).json().meta.page.total).toBe(0);
    expect((await asDeveloper(`${path}?filter[status][eq]=pending&filter[name][contains]=CATALOG`)).json().meta.page.total).toBe(1);
    expect((await asDeveloper(`${path}?unregistered=true`)).json().meta.page.total).toBe(0);
  });

  it('answers the features it does not have as a portal without them does', async () => {
    expect((await call({ url: '/api/v2/portal/appearance' })).json()).toEqual({
      variables: { catalog: { primary_header: { text: 'Developer Portal' }, welcome_message: { text: expect.any(String) } } },
    });
    for (const path of ['/api/v2/portal/logo', '/api/v2/portal/catalog-cover']) {
      const response = await t.call({ url: path });
      // The contract names only the image; a portal without one has nothing to send.
      expect({ path, status: response.statusCode, type: response.headers['content-type'] }).toEqual({ path, status: 404, type: 'application/problem+json; charset=utf-8' });
    }
    expect((await call({ url: '/api/v2/developer/authenticate/sso' })).statusCode).toBe(400);
    expect((await call({ url: '/api/v2/stats/config' })).statusCode).toBe(401);
    expect((await asDeveloper('/api/v2/stats/config')).json()).toEqual({ analytics: null });
    const query = await call({ method: 'POST', url: '/api/v2/stats', headers: { cookie }, payload: { metrics: ['request_count'] } });
    expect(query.statusCode).toBe(403);
  });

  it("is what Kong's SDK client classes read, with every response in the contract's shapes", async () => {
    const anonymous = sdkClients(url);
    expect((await anonymous.products.listProducts({ filterNameContains: 'dem', pageSize: 5 })).data).toEqual({
      data: [expect.objectContaining({ id: demo, name: 'demo' })],
      meta: { page: { number: 1, size: 5, total: 1 } },
    });
    expect(await statusOf(anonymous.products.getProduct({ productId: billing }))).toBe(404);
    expect(await statusOf(anonymous.applications.listApplicationAuthStrategies())).toBe(401);
    expect((await anonymous.search.searchPortalEntities({ indices: 'product-catalog', q: 'demo' })).data.meta.page.total).toBe(1);

    const developer = sdkClients(url);
    expect((await developer.developer.authenticate({ authenticateRequest: { username: (await t.sidecar.store.developers.get(developerId))!.email, password: PASSWORD } })).status).toBe(204);
    const products = (await developer.products.listProducts()).data;
    expect(products.data?.map((p) => p.name)).toEqual(['demo', 'billing_100%']);
    expect((await developer.products.getProduct({ productId: billing })).data.name).toBe('billing_100%');
    expect((await developer.products.getProductActions({ productId: demo })).data.actions.register).toBe(true);
    const versions = (await developer.versions.listProductVersions({ productId: demo })).data;
    expect(versions.data.map((v) => v.id)).toEqual([demo]);
    expect((await developer.versions.getProductVersion({ productId: demo, productVersionId: demo })).data.registration_configs[0]?.id).toBe(strategyId);
    expect((await developer.versions.getProductVersionSpec({ productId: demo, productVersionId: demo })).data.content).toBe(SPEC);
    expect((await developer.versions.getProductVersionSpecOperations({ productId: demo, productVersionId: demo })).data.operations).toHaveLength(2);
    expect((await developer.versions.getProductVersionSpec({ productId: billing, productVersionId: billing })).status).toBe(204);
    expect((await developer.versions.getApplicationsByProductVersion({ productId: demo, productVersionId: demo })).status).toBe(200);
    expect((await developer.documentation.listProductDocuments({ productId: demo })).data.data).toEqual([]);
    expect(await statusOf(developer.documentation.getProductDocument({ productId: demo, documentId: UNKNOWN_ID }))).toBe(404);
    expect((await developer.search.searchPortalEntities({ indices: 'product-catalog', join: 'versions' })).data.meta.page.total).toBe(2);
    expect((await developer.applications.listApplicationAuthStrategies({ filterCredentialTypeEq: 'key_auth' })).data.data).toEqual([]);
    expect((await developer.portal.getPortalAppearance()).status).toBe(200);
    expect((await developer.analytics.getApplicationAnalyticsConfig()).data).toEqual({ analytics: null });
    expect([...anonymous.problems(), ...developer.problems()]).toEqual([]);
    expect(anonymous.seen.length + developer.seen.length).toBeGreaterThan(15);
  });

  it('routes every operation of the contract on the portal listener (those of /api/v2/applications but auth-strategies belong to the applications change)', async () => {
    const { cookie: own } = await signedIn(t);
    const mine = contract.operations.filter(({ template }) => !template.startsWith('/api/v2/applications') || template === '/api/v2/applications/auth-strategies');
    const routerMisses: string[] = [];
    for (const { method, template } of mine) {
      const path = template.replace('{indices}', 'product-catalog').replace(/\{[^}]+\}/g, UNKNOWN_ID);
      const response = await t.call({ method: method as 'GET', url: path, headers: { cookie: own } });
      if (response.statusCode === 404 && String(response.json().detail).startsWith('no route for')) routerMisses.push(`${method} ${template}`);
    }
    expect(routerMisses).toEqual([]);
    expect(mine.length).toBeGreaterThan(25);
    expect(contract.operations.filter((o) => !mine.includes(o)).map((o) => `${o.method} ${o.template}`)).toEqual([
      'GET /api/v2/applications',
      'POST /api/v2/applications',
      'GET /api/v2/applications/{applicationId}',
      'DELETE /api/v2/applications/{applicationId}',
      'PATCH /api/v2/applications/{applicationId}',
      'GET /api/v2/applications/{applicationId}/credentials',
      'POST /api/v2/applications/{applicationId}/credentials',
      'PUT /api/v2/applications/{applicationId}/credentials/{credentialId}',
      'DELETE /api/v2/applications/{applicationId}/credentials/{credentialId}',
      'GET /api/v2/applications/{applicationId}/product-versions/{productVersionId}/granted-scopes',
      'POST /api/v2/applications/{applicationId}/refresh-token',
      'GET /api/v2/applications/{applicationId}/registrations',
      'POST /api/v2/applications/{applicationId}/registrations',
      'GET /api/v2/applications/{applicationId}/registrations/{registrationId}',
      'DELETE /api/v2/applications/{applicationId}/registrations/{registrationId}',
      'GET /api/v2/applications/{applicationId}/registrations/{registrationId}/granted-scopes',
    ]);
  });

  it("documents the portal listener's operations on the sidecar's listener at /docs/portal/json", async () => {
    const response = await t.sidecar.app.inject({ url: '/docs/portal/json' });
    expect(response.statusCode).toBe(200);
    const document = response.json() as { openapi: string; paths: Record<string, Record<string, { security?: unknown[] }>> };
    expect(document.openapi).toMatch(/^3\./);
    const documented = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    const routed = contract.operations
      .filter(({ template }) => !template.startsWith('/api/v2/applications') || template === '/api/v2/applications/auth-strategies')
      .map(({ method, template }) => `${method} ${template}`);
    expect(routed.filter((operation) => !documented.includes(operation))).toEqual([]);
    expect(document.paths['/api/v2/products']?.get?.security).toEqual([{ portalAccessToken: [] }, {}]);
    expect(document.paths['/api/v2/applications/auth-strategies']?.get?.security).toEqual([{ portalAccessToken: [] }]);
  });
});
