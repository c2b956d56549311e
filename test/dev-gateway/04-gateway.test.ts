import fs = require('node:fs');
import http = require('node:http');
import os = require('node:os');
import path = require('node:path');
import axios, { type AxiosResponse } from 'axios';
import { PortInUseError, startDevGateway, type DevGateway } from '../../devstack/gateway';
import { startDemoUpstream, type DemoUpstream, type EchoedRequest } from '../../devstack/demo-upstream';
import { startOktaEmulator, type OktaEmulatorFixture } from '../support/okta-emulator';
import { startPluginServer, type RunningPluginServer } from '../support/plugin-server';
import { basic } from '../support/tokens';

const http_ = axios.create({ validateStatus: () => true, proxy: false, maxRedirects: 0 });

/** kong.yml with one service and one route, both called `name`; extra lines go into the service or the route. */
function singleRouteYml(name: string, url: string, path: string, extra: { service?: string[]; route?: string[] } = {}): string {
  return [
    '_format_version: "3.0"',
    'services:',
    `  - name: ${name}`,
    `    url: ${url}`,
    ...(extra.service ?? []).map((line) => `    ${line}`),
    '    routes:',
    `      - name: ${name}`,
    `        paths: [${path}]`,
    ...(extra.route ?? []).map((line) => `        ${line}`),
  ].join('\n');
}

interface ProbeBody {
  config: Record<string, unknown>;
  service: Record<string, unknown>;
  route: Record<string, unknown>;
  header: string | null;
}

describe('dev gateway', () => {
  let okta: OktaEmulatorFixture;
  let fixtures: RunningPluginServer;
  let oktaAuth: RunningPluginServer;
  let upstream: DemoUpstream;
  let dir: string;
  let logs: string[];
  const gateways: DevGateway[] = [];

  /** Starts a gateway on a free port with this kong.yml (closed after the test). */
  async function gatewayWith(
    yml: string,
    options: { server?: RunningPluginServer; env?: NodeJS.ProcessEnv; port?: number; onPluginServerFailure?: 'kong' | 'refuse' } = {},
  ): Promise<DevGateway> {
    const file = path.join(dir, `kong-${gateways.length}-${Date.now()}.yml`);
    fs.writeFileSync(file, yml);
    const gateway = await startDevGateway({
      port: options.port ?? 0,
      declarativeConfigPath: file,
      pluginServerSocket: (options.server ?? fixtures).socketPath,
      env: options.env ?? {},
      log: (line) => logs.push(line),
      onPluginServerFailure: options.onPluginServerFailure,
    });
    gateways.push(gateway);
    return gateway;
  }

  function echoed(response: AxiosResponse): EchoedRequest {
    expect(response.status).toBe(200);
    return response.data as EchoedRequest;
  }

  async function closedPort(): Promise<number> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    return port;
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dev-gateway-'));
    [okta, fixtures, oktaAuth, upstream] = await Promise.all([
      startOktaEmulator(),
      startPluginServer({ fixtures: ['header-gate', 'gateway-probe'] }),
      startPluginServer(),
      startDemoUpstream({ port: 0 }),
    ]);
  });

  beforeEach(() => {
    logs = [];
  });

  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
  });

  afterAll(async () => {
    await Promise.all([okta?.stop(), fixtures?.stop(), oktaAuth?.stop(), upstream?.close()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('routing', () => {
    it('proxies a prefix match with the prefix stripped, keeping method, query and body, and says it is not Kong', async () => {
      const gateway = await gatewayWith(singleRouteYml('api', `${upstream.url}/base`, '/api'));
      const response = await http_.post(`${gateway.url}/api/items?x=1&x=2&flag`, 'hello', { headers: { 'content-type': 'text/plain' } });

      const request = echoed(response);
      expect(request).toMatchObject({ method: 'POST', path: '/base/items', query: { x: ['1', '2'], flag: '' }, body: 'hello' });
      expect(request.headers).toMatchObject({
        host: `127.0.0.1:${upstream.port}`,
        'x-forwarded-path': '/api/items',
        'x-forwarded-prefix': '/api',
        'x-forwarded-host': '127.0.0.1',
        'x-forwarded-port': String(gateway.port),
        'x-forwarded-proto': 'http',
        'x-forwarded-for': '127.0.0.1',
        'x-kong-request-id': response.headers['x-kong-request-id'],
      });
      expect(request.headers.via).toContain('kong-okta-dcr-dev-gateway');
      expect(response.headers['x-kong-request-id']).toMatch(/^[0-9a-f]{32}$/);
      expect(response.headers['x-dev-gateway']).toBe('not-kong');
      expect(response.headers.via).toBe('1.1 kong-okta-dcr-dev-gateway');
      expect(logs.some((line) => line.includes('a stand-in for Kong in development, NOT Kong'))).toBe(true);
    });

    it('keeps the matched prefix when strip_path is false and joins it to the service path like Kong', async () => {
      const gateway = await gatewayWith(`
_format_version: "3.0"
services:
  - name: api
    url: ${upstream.url}/base/
    routes:
      - name: kept
        paths: [/kept]
        strip_path: false
      - name: stripped
        paths: [/stripped]
`);
      expect(echoed(await http_.get(`${gateway.url}/kept/x`)).path).toBe('/base/kept/x');
      expect(echoed(await http_.get(`${gateway.url}/stripped/x`)).path).toBe('/base/x');
      expect(echoed(await http_.get(`${gateway.url}/stripped`)).path).toBe('/base');
      expect(echoed(await http_.get(`${gateway.url}/stripped/`)).path).toBe('/base/');
      // Kong's prefixes are plain string prefixes, not path segments.
      expect(echoed(await http_.get(`${gateway.url}/strippedmore`)).path).toBe('/base/more');
    });

    it("returns 404 with Kong's message when no path, method or host matches", async () => {
      const gateway = await gatewayWith(singleRouteYml('get-only', upstream.url, '/only', { route: ['methods: [GET]', 'hosts: [api.example.test]'] }));
      const host = { headers: { host: 'api.example.test' } };
      expect(echoed(await http_.get(`${gateway.url}/only`, host)).path).toBe('/');

      for (const response of [
        await http_.get(`${gateway.url}/elsewhere`, host),
        await http_.post(`${gateway.url}/only`, '', host),
        await http_.get(`${gateway.url}/only`, { headers: { host: 'other.example.test' } }),
      ]) {
        expect(response.status).toBe(404);
        expect(response.data).toEqual({ message: 'no Route matched with those values' });
        expect(response.headers['x-dev-gateway']).toBe('not-kong');
      }
    });

    it('matches wildcard hosts at either end and preserves the client Host only when asked', async () => {
      const gateway = await gatewayWith(`
_format_version: "3.0"
services:
  - name: suffix
    url: ${upstream.url}/suffix
    routes:
      - name: suffix
        hosts: ["*.wild.test"]
        preserve_host: true
  - name: prefix
    url: ${upstream.url}/prefix
    routes:
      - name: prefix
        hosts: ["api.*"]
`);
      const suffix = echoed(await http_.get(`${gateway.url}/x`, { headers: { host: 'a.wild.test' } }));
      expect(suffix.path).toBe('/suffix/x');
      expect(suffix.headers.host).toBe('a.wild.test');

      const prefix = echoed(await http_.get(`${gateway.url}/x`, { headers: { host: 'api.example.org' } }));
      expect(prefix.path).toBe('/prefix/x');
      expect(prefix.headers.host).toBe(`127.0.0.1:${upstream.port}`);

      expect((await http_.get(`${gateway.url}/x`, { headers: { host: 'wild.test' } })).status).toBe(404);
    });

    it('prefers regex paths by regex_priority, then the longest prefix', async () => {
      const gateway = await gatewayWith(`
_format_version: "3.0"
services:
  - name: svc
    url: ${upstream.url}
    routes:
      - name: short
        paths: [/p]
        strip_path: false
      - name: long
        paths: [/p/long]
        strip_path: false
  - name: numbers
    url: ${upstream.url}/numbers
    routes:
      - name: numbers
        paths: ["~/p/(?<id>\\\\d+)"]
        regex_priority: 1
  - name: digits
    url: ${upstream.url}/digits
    routes:
      - name: digits
        paths: ["~/p/\\\\d"]
`);
      expect(echoed(await http_.get(`${gateway.url}/p/x`)).path).toBe('/p/x');
      expect(echoed(await http_.get(`${gateway.url}/p/long/x`)).path).toBe('/p/long/x');
      // Both regexes match; the higher regex_priority wins and strips its whole match.
      expect(echoed(await http_.get(`${gateway.url}/p/42/rest`)).path).toBe('/numbers/rest');
    });
  });

  describe('upstream failures', () => {
    it("answers 502 with Kong's message when the upstream is unreachable", async () => {
      const gateway = await gatewayWith(singleRouteYml('down', `http://127.0.0.1:${await closedPort()}`, '/down'));
      const response = await http_.get(`${gateway.url}/down`);

      expect(response.status).toBe(502);
      expect(response.data).toEqual({ message: 'An invalid response was received from the upstream server' });
    });

    it('answers 504 when the upstream does not answer within the service read_timeout', async () => {
      const silent = http.createServer(() => undefined);
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = silent.address() as { port: number };
        const gateway = await gatewayWith(singleRouteYml('silent', `http://127.0.0.1:${port}`, '/silent', { service: ['read_timeout: 200'] }));
        const response = await http_.get(`${gateway.url}/silent`);

        expect(response.status).toBe(504);
        expect(response.data).toEqual({ message: 'The upstream server is timing out' });
      } finally {
        silent.closeAllConnections();
        await new Promise((resolve) => silent.close(resolve));
      }
    });
  });

  describe('declarative config', () => {
    const probeYml = (secret: string) =>
      singleRouteYml('probe', upstream.url, '/probe', { route: ['plugins:', '  - name: gateway-probe', `    config: { secret: "${secret}" }`] });

    it('resolves env vault references the way Kong does (upper case, dashes to underscores)', async () => {
      const gateway = await gatewayWith(probeYml('{vault://env/probe-secret}'), { env: { PROBE_SECRET: 's3cr3t' } });

      const response = await http_.get(`${gateway.url}/probe`);

      expect(response.status).toBe(200);
      expect((response.data as ProbeBody).config.secret).toBe('s3cr3t');
    });

    it('refuses to start when a referenced environment variable is missing, naming the variable', async () => {
      await expect(gatewayWith(probeYml('{vault://env/probe-secret}'))).rejects.toThrow(
        /services\[0\]\.routes\[0\]\.plugins\[0\]\.config\.secret: .*PROBE_SECRET, which is not set/,
      );
    });

    it('refuses to start with a plugin the plugin server does not serve', async () => {
      await expect(
        gatewayWith(`
_format_version: "3.0"
plugins:
  - name: rate-limiting
    config: { minute: 5 }
`),
      ).rejects.toThrow(/plugins\[0\]: plugin rate-limiting is not served by the plugin server/);
    });

    it('refuses to start with a route field it does not implement rather than ignoring it', async () => {
      await expect(gatewayWith(singleRouteYml('api', upstream.url, '/api', { route: ['headers: { x-version: ["2"] }'] }))).rejects.toThrow(/services\[0\]\.routes\[0\]\.headers: is not supported by the dev gateway/);
    });

    it('refuses to start on a taken port, naming the port', async () => {
      const first = await gatewayWith(probeYml('plain'));

      const taken = await gatewayWith(probeYml('plain'), { port: first.port }).catch((err: unknown) => err);
      const demo = await startDemoUpstream({ port: upstream.port }).catch((err: unknown) => err);

      expect(taken).toBeInstanceOf(PortInUseError);
      expect((taken as Error).message).toBe(`dev gateway: port ${first.port} on 127.0.0.1 is already in use`);
      expect(demo).toBeInstanceOf(PortInUseError);
      expect((demo as PortInUseError).port).toBe(upstream.port);
    });
  });

  describe('plugins', () => {
    it('runs the most specific entity of a plugin: route over service over global', async () => {
      const gateway = await gatewayWith(`
_format_version: "3.0"
services:
  - name: a
    url: ${upstream.url}
    plugins:
      - name: header-gate
        config: { header_name: x-service-key }
    routes:
      - name: a1
        paths: [/a1]
        plugins:
          - name: header-gate
            config: { header_name: x-route-key }
      - name: a2
        paths: [/a2]
  - name: b
    url: ${upstream.url}
    routes:
      - name: b1
        paths: [/b1]
plugins:
  - name: header-gate
    config: { header_name: x-global-key }
`);
      const status = async (route: string, header: string) => (await http_.get(`${gateway.url}${route}`, { headers: { [header]: 'k' } })).status;

      expect([await status('/a1', 'x-route-key'), await status('/a1', 'x-service-key'), await status('/a1', 'x-global-key')]).toEqual([200, 401, 401]);
      expect([await status('/a2', 'x-route-key'), await status('/a2', 'x-service-key'), await status('/a2', 'x-global-key')]).toEqual([401, 200, 401]);
      expect([await status('/b1', 'x-route-key'), await status('/b1', 'x-service-key'), await status('/b1', 'x-global-key')]).toEqual([401, 401, 200]);
    });

    it('runs plugins by priority, not in the order kong.yml lists them, and stops at the first exit', async () => {
      const gateway = await gatewayWith(
        singleRouteYml('ordered', upstream.url, '/ordered', { route: ['plugins:', '  - name: gateway-probe', '  - name: header-gate'] }),
      );
      // header-gate (priority 1000) sets X-Gate before gateway-probe (500) reads it.
      const passed = await http_.get(`${gateway.url}/ordered`, { headers: { 'x-api-key': 'key' } });
      expect(passed.status).toBe(200);
      expect((passed.data as ProbeBody).header).toBe('passed');

      const refused = await http_.get(`${gateway.url}/ordered`);
      expect(refused.status).toBe(401);
      expect(refused.data).toEqual({ message: 'Unauthorized' });
      expect(refused.headers['www-authenticate']).toBe('Key realm="fixture"');
    });

    it('gives plugins stable route and service ids and the entities through kong.router', async () => {
      const yml = `
_format_version: "3.0"
services:
  - name: entities
    url: ${upstream.url}/svc-path
routes:
  - name: top-level
    service: { name: entities }
    paths: [/entities]
    plugins:
      - name: gateway-probe
`;
      const first = (await http_.get(`${(await gatewayWith(yml)).url}/entities`)).data as ProbeBody;
      const second = (await http_.get(`${(await gatewayWith(yml)).url}/entities`)).data as ProbeBody;

      expect(first.service).toMatchObject({ name: 'entities', host: '127.0.0.1', port: upstream.port, protocol: 'http', path: '/svc-path' });
      expect(first.route).toMatchObject({ name: 'top-level', paths: ['/entities'], strip_path: true, service: { id: first.service.id } });
      expect(first.config.route_id).toBe(first.route.id);
      expect(first.route.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect([second.route.id, second.service.id]).toEqual([first.route.id, first.service.id]);
    });

    it('answers 500 and does not proxy when the plugin server fails in refuse mode, and logs why', async () => {
      const doomed = await startPluginServer({ fixtures: ['header-gate'] });
      try {
        const gateway = await gatewayWith(singleRouteYml('gated', upstream.url, '/gated', { route: ['plugins:', '  - name: header-gate'] }), {
          server: doomed,
          onPluginServerFailure: 'refuse',
        });
        const request = () => http_.get(`${gateway.url}/gated`, { headers: { 'x-api-key': 'key' } });
        expect(echoed(await request()).headers['x-gate']).toBe('passed');

        await doomed.stop();
        const response = await request();

        expect(response.status).toBe(500);
        expect(response.data).toEqual({ message: 'An unexpected error occurred' });
        expect(logs.some((line) => /plugin header-gate failed on the plugin server, not proxied/.test(line))).toBe(true);
      } finally {
        await doomed.stop();
      }
    });
  });

  describe('okta-auth', () => {
    const oktaYml = () =>
      singleRouteYml('demo', upstream.url, '/demo', { service: ['plugins:', '  - name: okta-auth', '    config: { issuer: "{vault://env/okta-issuer}" }'] });

    it("returns okta-auth's 401 and WWW-Authenticate challenge when no credentials are sent", async () => {
      const gateway = await gatewayWith(oktaYml(), { server: oktaAuth, env: { OKTA_ISSUER: okta.issuer } });

      const response = await http_.get(`${gateway.url}/demo/hello`);

      expect(response.status).toBe(401);
      expect(response.data).toEqual({ message: 'Unauthorized' });
      expect(response.headers['www-authenticate']).toBe('Bearer realm="kong"');
    });

    it('proxies a valid bearer token and Basic credentials with the client headers and without Authorization', async () => {
      const gateway = await gatewayWith(oktaYml(), { server: oktaAuth, env: { OKTA_ISSUER: okta.issuer } });
      const client = await okta.dcr.createClient();
      const token = await okta.token(client.client_id, client.client_secret!);

      for (const authorization of [`Bearer ${token}`, basic(client.client_id, client.client_secret!)]) {
        const request = echoed(
          await http_.get(`${gateway.url}/demo/hello`, { headers: { authorization, 'x-client-id': 'spoofed' } }),
        );
        expect(request.path).toBe('/hello');
        expect(request.headers).toMatchObject({
          'x-client-id': client.client_id,
          'x-credential-identifier': client.client_id,
          'x-authenticated-scope': 'api:read',
        });
        expect(request.headers.authorization).toBeUndefined();
      }
    });

    it("finds the application's Kong consumer among kong.yml's consumers and passes Kong's consumer headers upstream", async () => {
      const client = await okta.dcr.createClient();
      const yml = [
        singleRouteYml('demo', upstream.url, '/demo', {
          service: ['plugins:', '  - name: okta-auth', '    config: { issuer: "{vault://env/okta-issuer}", consumer_claim: [client_id] }'],
        }),
        'consumers:',
        `  - { username: ${client.client_id}, custom_id: weather-app }`,
      ].join('\n');
      const gateway = await gatewayWith(yml, { server: oktaAuth, env: { OKTA_ISSUER: okta.issuer } });
      const token = await okta.token(client.client_id, client.client_secret!);

      const request = echoed(await http_.get(`${gateway.url}/demo/hello`, { headers: { authorization: `Bearer ${token}` } }));
      expect(request.headers).toMatchObject({
        'x-consumer-id': expect.stringMatching(/^[0-9a-f-]{36}$/),
        'x-consumer-username': client.client_id,
        'x-consumer-custom-id': 'weather-app',
        'x-credential-identifier': client.client_id,
      });
      const stranger = await okta.dcr.createClient();
      const refused = await http_.get(`${gateway.url}/demo/hello`, {
        headers: { authorization: `Bearer ${await okta.token(stranger.client_id, stranger.client_secret!)}` },
      });
      expect(refused.status).toBe(403);
      expect(refused.headers['www-authenticate']).toMatch(/error_description="no Kong consumer for this client"/);
    });

    it("refuses to start, as Kong refuses the file, when a config value does not fit okta-auth's schema", async () => {
      const yml = singleRouteYml('demo', upstream.url, '/demo', {
        service: ['plugins:', '  - name: okta-auth', '    config: { issuer: "{vault://env/okta-issuer}", leeway: "60" }'],
      });

      await expect(gatewayWith(yml, { server: oktaAuth, env: { OKTA_ISSUER: okta.issuer } })).rejects.toThrow(
        /services\[0\]\.plugins\[0\]\.config\.leeway: expected an integer$/,
      );
    });

    it("loads the repository's own kong.yml with its env vault variables set, and refuses to start without them", async () => {
      const start = (env: NodeJS.ProcessEnv) =>
        startDevGateway({ port: 0, pluginServerSocket: oktaAuth.socketPath, env, log: (line) => logs.push(line) });

      await expect(start({})).rejects.toThrow(/kong\.yml: services\[0\]\.plugins\[0\]\.config\.issuer: .*OKTA_ISSUER, which is not set/);

      await expect(start({ OKTA_ISSUER: okta.issuer })).rejects.toThrow(/OKTA_AUTH_SIDECAR_URL, which is not set/);

      const gateway = await start({
        OKTA_ISSUER: okta.issuer,
        OKTA_AUTH_SIDECAR_URL: 'http://127.0.0.1:9',
        OKTA_AUTH_SIDECAR_TOKEN: 'gateway-token',
      });
      gateways.push(gateway);
      const response = await http_.get(`${gateway.url}/demo`);
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="kong"');
    });
  });
});
