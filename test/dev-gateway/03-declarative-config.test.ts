import fs = require('node:fs');
import os = require('node:os');
import path = require('node:path');
import { loadDeclarativeConfig } from '../../devstack/gateway/declarative-config';
import { DeclarativeConfigError } from '../../devstack/gateway/entities';
import { Router } from '../../devstack/gateway/router';

describe('loadDeclarativeConfig', () => {
  let dir: string;

  const load = (yml: string) => {
    const file = path.join(dir, 'kong.yml');
    fs.writeFileSync(file, yml);
    return loadDeclarativeConfig(file);
  };

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'declarative-'));
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("splits a service url into Kong's fields with Kong's defaults, path null when the url has none", () => {
    const { services } = load('_format_version: "3.0"\nservices:\n  - { name: a, url: "http://h.test" }\n  - { name: b, url: "https://h.test/p/" }\n');

    expect(services[0]).toMatchObject({ protocol: 'http', host: 'h.test', port: 80, path: null, read_timeout: 60000, retries: 5 });
    expect(services[1]).toMatchObject({ protocol: 'https', host: 'h.test', port: 443, path: '/p/' });
  });

  it('attaches a plugin nested in a route to the route only, and resolves top-level references by name', () => {
    const { routes, services, plugins } = load(`
_format_version: "3.0"
services:
  - name: svc
    host: h.test
    routes:
      - name: nested
        paths: [/n]
        plugins: [{ name: p1 }]
routes:
  - name: top
    service: svc
    paths: [/t]
plugins:
  - { name: p2, route: { name: top }, service: svc }
  - { name: p3, enabled: false }
`);
    expect(plugins.map((p) => [p.name, p.routeId, p.serviceId])).toEqual([
      ['p1', routes[0].id, null],
      ['p2', routes[1].id, services[0].id],
    ]);
    expect(routes[1].service.id).toBe(services[0].id);
  });

  it('reads consumers as Kong stores them, with stable ids derived from their names', () => {
    const { consumers } = load(`
_format_version: "3.0"
consumers:
  - { username: weather-app, custom_id: 0oa-weather, tags: [portal] }
  - { id: 8a1c2f5e-3b4d-4e6f-9a0b-1c2d3e4f5a6b, custom_id: only-custom }
`);
    expect(consumers).toEqual([
      { id: expect.stringMatching(/^[0-9a-f-]{36}$/), username: 'weather-app', custom_id: '0oa-weather', tags: ['portal'], created_at: expect.any(Number), updated_at: expect.any(Number) },
      { id: '8a1c2f5e-3b4d-4e6f-9a0b-1c2d3e4f5a6b', username: null, custom_id: 'only-custom', tags: null, created_at: expect.any(Number), updated_at: expect.any(Number) },
    ]);
    expect(load('_format_version: "3.0"\nconsumers: [{ username: weather-app }]\n').consumers[0]?.id).toBe(consumers[0]?.id);
  });

  it.each([
    ['_format_version: "1.1"\n', /_format_version: must be "3.0"/],
    ['_format_version: "3.0"\nconsumer_groups: []\n', /consumer_groups: is not supported by the dev gateway/],
    ['_format_version: "3.0"\nconsumers: [{ tags: [a] }]\n', /consumers\[0\]\.username: at least one of these fields must be non-empty: 'custom_id', 'username'/],
    ['_format_version: "3.0"\nconsumers: [{ username: a }, { username: a }]\n', /consumers\[1\]\.username: consumer a is declared twice/],
    ['_format_version: "3.0"\nconsumers: [{ username: a, keyauth_credentials: [] }]\n', /keyauth_credentials: is not supported by the dev gateway/],
    ['_format_version: "3.0"\nservices:\n  - { name: a, host: h, colour: red }\n', /services\[0\]\.colour: unknown field/],
    ['_format_version: "3.0"\nservices:\n  - { name: a, host: h, routes: [{ name: r, paths: [api] }] }\n', /services\[0\]\.routes\[0\]\.paths: api must start with/],
    ['_format_version: "3.0"\nservices:\n  - { name: a, host: h, routes: [{ name: r }] }\n', /must set one of 'methods', 'hosts' or 'paths'/],
    ['_format_version: "3.0"\nroutes:\n  - { name: r, service: nope, paths: [/] }\n', /routes\[0\]\.service: no service named nope/],
    ['_format_version: "3.0"\nplugins: [{ name: p }, { name: p }]\n', /plugins\[1\]\.name: plugin p is already attached here at plugins\[0\]/],
    ['services: [\n', /invalid YAML/],
  ])('refuses %j naming the problem', (yml, message) => {
    expect(() => load(yml)).toThrow(DeclarativeConfigError);
    expect(() => load(yml)).toThrow(message);
  });
});

describe('Router', () => {
  const router = (routes: Array<Record<string, unknown>>) => {
    const file = path.join(os.tmpdir(), `router-${process.pid}.yml`);
    fs.writeFileSync(file, JSON.stringify({ _format_version: '3.0', services: [{ name: 's', host: 'h', routes }] }));
    try {
      return new Router(loadDeclarativeConfig(file));
    } finally {
      fs.rmSync(file);
    }
  };
  const request = { method: 'GET', host: 'api.test', port: 8000, path: '/a/b' };

  it('prefers a route with more matching fields, then plain hosts over wildcards', () => {
    const r = router([
      { name: 'path-only', paths: ['/a/b'] },
      { name: 'wildcard', paths: ['/a'], hosts: ['*.test'] },
      { name: 'plain', paths: ['/a'], hosts: ['api.test'] },
    ]);
    expect(r.match(request)?.route.name).toBe('plain');
    expect(r.match({ ...request, host: 'other.test' })?.route.name).toBe('wildcard');
    expect(r.match({ ...request, host: 'x.example' })?.route.name).toBe('path-only');
  });

  it('matches host:port entries against the port the gateway listens on', () => {
    const r = router([{ name: 'ported', hosts: ['api.test:8000'] }]);
    expect(r.match(request)?.route.name).toBe('ported');
    expect(r.match({ ...request, port: 8443 })).toBeUndefined();
  });
});
