import { type TestSidecar, startTestSidecar } from '../support/sidecar-app';
import { developer } from '../support/sidecar-fixtures';

interface Schema {
  $ref?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  required?: string[];
}

interface Operation {
  summary?: string;
  security?: Record<string, string[]>[];
  parameters?: { in: string; name: string; required?: boolean }[];
  requestBody?: { content: Record<string, { schema: { additionalProperties?: unknown; properties?: Record<string, { description?: string }> } }> };
  responses: Record<string, { description?: string; content?: Record<string, { schema: Schema }> }>;
}

describe('sidecar OpenAPI and roles', () => {
  let sidecar: TestSidecar;
  let operations: [string, Operation][];

  beforeAll(async () => {
    sidecar = await startTestSidecar();
    const spec = (await sidecar.app.inject({ url: '/docs/json' })).json() as { paths: Record<string, Record<string, Operation>> };
    operations = Object.entries(spec.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op] as [string, Operation]),
    );
  });
  afterAll(() => sidecar.close());

  it('gives every operation a summary', () => {
    expect(operations.length).toBeGreaterThan(30);
    expect(operations.filter(([, op]) => !op.summary).map(([name]) => name)).toEqual([]);
  });

  it('names the admin, developer or gateway token of every /v2 and /v3 operation, with its 401 and 403', () => {
    for (const [name, op] of operations.filter(([name]) => / \/v[23]\//.test(name))) {
      const schemes = (op.security ?? []).flatMap((requirement) => Object.keys(requirement));
      expect({ name, schemes: schemes.length > 0 && schemes.every((s) => ['admin', 'developer', 'gateway'].includes(s)) }).toEqual({ name, schemes: true });
      expect({ name, statuses: ['401', '403'].filter((status) => op.responses[status]) }).toEqual({ name, statuses: ['401', '403'] });
    }
    const health = operations.find(([name]) => name === 'GET /healthz')?.[1];
    expect(health?.security).toEqual([]);
  });

  it('documents every error response with a meaning and the Problem shape', () => {
    for (const [name, op] of operations) {
      for (const [status, response] of Object.entries(op.responses).filter(([status]) => /^[45]/.test(status))) {
        expect({ name, status, ref: response.content?.['application/json']?.schema.$ref }).toEqual({ name, status, ref: '#/components/schemas/Problem' });
        expect(response.description).toEqual(expect.any(String));
      }
    }
  });

  it("documents the /v3 calls of Kong's guides with the fields they read (test 27 replays them)", () => {
    const response = (name: string, status: string) => operations.find(([n]) => n === name)?.[1].responses[status]?.content?.['application/json']?.schema;
    const portal = response('GET /v3/portals', '200')?.properties?.data?.items;
    expect(portal?.required).toEqual(expect.arrayContaining(['id', 'default_domain', 'canonical_domain', 'auto_approve_developers']));
    const registration = response('PATCH /v3/portals/{portalId}/applications/{applicationId}/registrations/{registrationId}', '200');
    expect(registration?.required).toEqual(expect.arrayContaining(['id', 'status', 'api', 'application']));
    expect(registration?.properties?.api?.required).toEqual(['id', 'name']);
    expect(response('PATCH /v3/portals/{portalId}/developers/{developerId}', '200')?.required).toEqual(expect.arrayContaining(['id', 'status']));
    for (const status of ['200', '201']) {
      expect(response('PUT /v3/apis/{id}/publications/{portalId}', status)?.required).toEqual(expect.arrayContaining(['auth_strategy_ids', 'visibility', 'auto_approve_registrations']));
    }
    expect(response('POST /v3/apis', '201')?.required).toEqual(expect.arrayContaining(['id', 'name']));
  });

  it('marks no query parameter required (page[number], page[size] and filters are optional)', () => {
    const required = operations.flatMap(([name, op]) =>
      (op.parameters ?? []).filter((p) => p.in === 'query' && p.required).map((p) => `${name} ${p.name}`),
    );
    expect(required).toEqual([]);
  });

  it('closes every request body to unknown fields and documents auto_approve', () => {
    const bodies = operations.filter(([, op]) => op.requestBody);
    expect(bodies.length).toBeGreaterThan(8);
    for (const [name, op] of bodies) {
      expect({ name, additionalProperties: op.requestBody?.content['application/json']?.schema.additionalProperties }).toEqual({
        name,
        additionalProperties: false,
      });
    }
    const strategy = operations.find(([name]) => name === 'POST /v2/application-auth-strategies')?.[1];
    expect(strategy?.requestBody?.content['application/json']?.schema.properties?.auto_approve?.description).toMatch(/approved at once/);
  });

  it('returns 400 naming an unknown field of a request body', async () => {
    const response = await sidecar.admin({
      method: 'POST',
      url: '/v2/developers',
      payload: { email: 'unknown-field@example.com', full_name: 'Dev', nickname: 'd' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().invalid_parameters).toEqual([{ field: 'nickname', reason: 'must NOT have additional properties' }]);
  });

  it('returns 200 for a list without page parameters, with the default page', async () => {
    const response = await sidecar.admin({ url: '/v2/developers' });
    expect(response.statusCode).toBe(200);
    expect(response.json().meta.page).toMatchObject({ number: 1, size: 10 });
  });

  it('returns 403 naming the token needed for a valid token of another role', async () => {
    const dev = await developer(sidecar);
    const gatewayOnAdmin = await sidecar.app.inject({ url: '/v2/dcr-providers', headers: { authorization: `Bearer ${sidecar.gatewayToken}` } });
    expect(gatewayOnAdmin.statusCode).toBe(403);
    expect(gatewayOnAdmin.json()).toEqual({ status: 403, title: 'Forbidden', detail: 'this call needs the admin token', instance: '/v2/dcr-providers' });
    const developerOnGateway = await dev.call({ url: '/v2/internal/applications/by-client-id/some-client' });
    expect(developerOnGateway.statusCode).toBe(403);
    expect(developerOnGateway.json().detail).toBe('this call needs the gateway token');
    const adminOnDeveloper = await sidecar.admin({ method: 'POST', url: '/v2/applications/00000000-0000-4000-8000-000000000000/refresh-secret' });
    expect(adminOnDeveloper.statusCode).toBe(403);
    expect(adminOnDeveloper.json().detail).toBe('this call needs a developer token');
  });

  it('returns 401 for no token or an unknown one, whatever the call', async () => {
    for (const url of ['/v2/dcr-providers', '/v2/applications', '/v2/internal/applications/by-client-id/x', '/v2/services']) {
      const none = await sidecar.app.inject({ url });
      const unknown = await sidecar.app.inject({ url, headers: { authorization: 'Bearer kdcr_dev_nobody' } });
      for (const response of [none, unknown]) {
        expect(response.statusCode).toBe(401);
        expect(response.json().detail).toBe('a valid bearer token is required');
      }
    }
  });
});
