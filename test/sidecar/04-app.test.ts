import { buildApp } from '../../sidecar/app';
import type { Store } from '../../sidecar/store';
import { type TestSidecar, startTestSidecar } from '../support/sidecar-app';

describe('sidecar app skeleton', () => {
  let sidecar: TestSidecar;

  beforeAll(async () => {
    sidecar = await startTestSidecar();
  });
  afterAll(() => sidecar.close());

  it('returns 200 ok on /healthz', async () => {
    const response = await sidecar.app.inject({ url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('returns 200 on /readyz while the database answers', async () => {
    expect((await sidecar.app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });

  it('returns a 404 problem for an unknown route, its instance the path without the query string', async () => {
    const response = await sidecar.app.inject({ url: '/v2/nothing-here?token=not-for-the-body' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toEqual({ status: 404, title: 'Not Found', detail: 'no route for GET /v2/nothing-here', instance: '/v2/nothing-here' });
  });

  it('serves Prometheus metrics that count requests by route pattern', async () => {
    await sidecar.app.inject({ url: '/healthz' });
    const response = await sidecar.app.inject({ url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatch(/sidecar_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
    expect(response.body).toContain('process_cpu_user_seconds_total');
  });

  it('serves the OpenAPI document at /docs/json and Swagger UI at /docs', async () => {
    const document = await sidecar.app.inject({ url: '/docs/json' });
    expect(document.statusCode).toBe(200);
    expect(document.json()).toMatchObject({ openapi: expect.stringMatching(/^3\./), paths: { '/healthz': {} } });
    const ui = await sidecar.app.inject({ url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger');
  });

  it('writes JSON log lines', async () => {
    await sidecar.app.inject({ url: '/healthz' });
    const lines = sidecar.logs().trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });
});

describe('sidecar readiness', () => {
  it('returns a 503 problem on /readyz when the database does not answer', async () => {
    const sidecar = await startTestSidecar();
    const failing = { ...sidecar.store, ping: () => Promise.reject(new Error('connection refused')) } as Store;
    const app = await buildApp({ ...sidecar.options, store: failing, logLevel: 'silent' });
    try {
      const response = await app.inject({ url: '/readyz' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ status: 503, title: 'Service Unavailable' });
    } finally {
      await app.close();
      await sidecar.close();
    }
  });
});
