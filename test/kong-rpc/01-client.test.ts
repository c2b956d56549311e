import fs = require('node:fs');
import os = require('node:os');
import path = require('node:path');
import { KongPluginServerClient, spawnPluginServer, type AccessOutcome } from '../../devstack/kong-rpc';
import { STOCK_PLUGIN_SERVER, startPluginServer, type RunningPluginServer } from '../support/plugin-server';

const FIXTURES = ['header-gate', 'pdk-probe', 'thrower', 'exit-then-await'];

interface ProbeResult {
  type?: string;
  value?: unknown;
  error?: string;
}

interface ProbeBody {
  results: ProbeResult[];
  config: Record<string, unknown>;
}

function probeBody(outcome: AccessOutcome): ProbeBody {
  expect(outcome.exit?.status).toBe(200);
  return outcome.exit?.body as ProbeBody;
}

describe('KongPluginServerClient against okta-auth-pluginserver', () => {
  let server: RunningPluginServer;
  let kong: KongPluginServerClient;

  /** Runs the pdk-probe fixture with these PDK calls and returns what each call gave the plugin. */
  async function probe(calls: unknown[][], request = {}, scope = {}): Promise<{ outcome: AccessOutcome; body: ProbeBody }> {
    const outcome = await kong.plugin('pdk-probe', { calls }, scope).access(request);
    return { outcome, body: probeBody(outcome) };
  }

  beforeAll(async () => {
    server = await startPluginServer({ fixtures: FIXTURES });
    kong = await KongPluginServerClient.connect({ socketPath: server.socketPath, poolSize: 8 });
  });

  afterAll(async () => {
    kong.close();
    await server.stop();
  });

  it('proxies a request carrying the header, with upstream headers set in one batch and the header cleared', async () => {
    const outcome = await kong.plugin('header-gate', {}).access({ headers: { 'X-Api-Key': 'secret', Accept: 'text/plain' } });

    expect(outcome.proxied).toBe(true);
    expect(outcome.exit).toBeUndefined();
    expect(outcome.upstreamHeaders).toEqual({ accept: 'text/plain', 'x-key-length': '6', 'x-gate': 'passed' });
    expect(outcome.pdkCalls).toEqual([
      'kong.request.get_header',
      'kong.service.request.set_headers',
      'kong.service.request.clear_header',
    ]);
  });

  it('returns 401 when the header is missing, recording the exit as terminal after two PDK calls', async () => {
    const outcome = await kong.plugin('header-gate', {}).access({ headers: {} });

    expect(outcome.proxied).toBe(false);
    expect(outcome.exit).toEqual({
      status: 401,
      body: { message: 'Unauthorized' },
      headers: { 'www-authenticate': 'Key realm="fixture"', 'content-type': 'application/json; charset=utf-8' },
    });
    expect(outcome.pdkCalls).toEqual(['kong.request.get_header', 'kong.response.exit']);
  });

  it('answers nothing after an exit, even when the handler keeps awaiting another PDK call', async () => {
    const outcome = await kong.plugin('exit-then-await', {}).access({});

    expect(outcome.exit?.status).toBe(403);
    expect(outcome.pdkCalls).toEqual(['kong.response.exit']);
  });

  it('sends a nil result with Data absent, so the plugin sees undefined rather than null', async () => {
    const { body } = await probe([['kong.request.get_header', 'x-absent'], ['kong.ctx.shared.get', 'absent']]);

    expect(body.results.map((result) => result.type)).toEqual(['undefined', 'undefined']);
  });

  it('answers request getters with Kong semantics', async () => {
    const { body } = await probe(
      [
        ['kong.request.get_header', 'X_Forwarded_For'],
        ['kong.request.get_headers'],
        ['kong.request.get_method'],
        ['kong.request.get_path'],
        ['kong.request.get_raw_query'],
        ['kong.request.get_query'],
        ['kong.request.get_scheme'],
        ['kong.request.get_host'],
        ['kong.request.get_port'],
        ['kong.client.get_ip'],
      ],
      {
        method: 'post',
        path: '/orders/7?page=2&tag=a&tag=b+c&debug',
        headers: { 'X-Forwarded-For': ['10.0.0.1', '10.0.0.2'], Host: 'API.example.com:8443' },
        ip: '192.0.2.7',
      },
    );

    expect(body.results.map((result) => result.value)).toEqual([
      '10.0.0.1',
      { 'x-forwarded-for': ['10.0.0.1', '10.0.0.2'], host: ['API.example.com:8443'] },
      'POST',
      '/orders/7',
      'page=2&tag=a&tag=b+c&debug',
      { page: ['2'], tag: ['a', 'b c'], debug: [] },
      'http',
      'api.example.com',
      8000,
      '192.0.2.7',
    ]);
  });

  it('builds the raw query from a query record when the path has none', async () => {
    const { body } = await probe([['kong.request.get_raw_query']], { path: '/', query: { q: 'a b', flag: true, n: ['1', '2'] } });

    expect(body.results[0].value).toBe('q=a%20b&flag&n=1&n=2');
  });

  it('rejects the plugin call with the StepError message when the test makes Kong fail a header write', async () => {
    const { outcome, body } = await probe([['kong.service.request.set_header', 'x-client-id', 'c1']], {
      stepErrors: { 'kong.service.request.set_header': 'header write failed' },
    });

    expect(body.results[0].error).toContain('header write failed');
    expect(outcome.upstreamHeaders['x-client-id']).toBeUndefined();
  });

  it('answers an unsupported PDK function with a StepError naming it', async () => {
    // (kong.client.load_consumer, the example before issue 9, is supported now.)
    const { body } = await probe([['kong.client.authenticate_consumer_group_by_consumer_id', 'c1']]);

    expect(body.results[0].error).toContain('kong.client.authenticate_consumer_group_by_consumer_id is not supported by the dev gateway');
  });

  it('applies set, add and clear to the upstream headers, starting from the client headers', async () => {
    const { outcome } = await probe(
      [
        ['kong.service.request.set_header', 'X-One', 1],
        ['kong.service.request.add_header', 'x-one', 'two'],
        ['kong.service.request.set_headers', { 'X-Batch': ['a', 'b'], 'x-client': 'replaced' }],
        ['kong.service.request.clear_header', 'Authorization'],
      ],
      { headers: { authorization: 'Bearer t', 'x-client': 'original', 'x-kept': 'yes' } },
    );

    expect(outcome.upstreamHeaders).toEqual({ 'x-kept': 'yes', 'x-client': 'replaced', 'x-one': ['1', 'two'], 'x-batch': ['a', 'b'] });
  });

  it("returns Kong's 500 when a PDK function gets an argument Kong raises on", async () => {
    const { exit, proxied, logs } = await kong
      .plugin('pdk-probe', { calls: [['kong.service.request.set_header', 'x-bad', { not: 'a string' }]] })
      .access({});

    expect(proxied).toBe(false);
    expect(exit).toMatchObject({ status: 500, body: { message: 'An unexpected error occurred' } });
    expect(logs[0].message).toContain('invalid header value for "x-bad"');
  });

  it('drops the headers of exit(status, nil, headers) the way Kong unpacks arguments', async () => {
    const outcome = await kong
      .plugin('pdk-probe', { calls: [['kong.response.exit', 401, null, { 'WWW-Authenticate': 'Bearer' }]] })
      .access({});

    expect(outcome.exit).toEqual({ status: 401, body: undefined, headers: {} });
  });

  it("answers kong.response.error with Kong's default message and keeps set_header headers on the exit", async () => {
    const outcome = await kong
      .plugin('pdk-probe', { calls: [['kong.response.set_header', 'X-Trace', 't1'], ['kong.response.error', 503]] })
      .access({});

    expect(outcome.exit).toEqual({
      status: 503,
      body: { message: 'The upstream server is currently unavailable' },
      headers: { 'x-trace': 't1', 'content-type': 'application/json; charset=utf-8' },
    });
  });

  it('collects kong.log output instead of printing it, concatenated like ngx.log', async () => {
    const { outcome } = await probe([['kong.log.err', 'token ', 'rejected'], ['kong.log', 'plain']]);

    expect(outcome.logs).toEqual([
      { level: 'err', message: 'token rejected' },
      { level: 'notice', message: 'plain' },
    ]);
  });

  it('answers router, authentication and shared-context calls from the request context', async () => {
    const { outcome, body } = await probe(
      [
        ['kong.router.get_route'],
        ['kong.router.get_service'],
        ['kong.ctx.shared.set', 'client', 'c1'],
        ['kong.ctx.shared.get', 'client'],
        ['kong.client.authenticate', { id: 'consumer-1' }, { id: 'cred-1' }],
        ['kong.client.get_consumer'],
        ['kong.client.get_credential'],
      ],
      { service: { id: 'svc-1', name: 'demo' } },
      { routeId: 'route-1' },
    );

    expect(body.results.map((result) => result.value)).toEqual([
      { id: 'route-1' },
      { id: 'svc-1', name: 'demo' },
      null, // a nil answer: msgpack turns the plugin's undefined into null in the exit body
      'c1',
      null,
      { id: 'consumer-1' },
      { id: 'cred-1' },
    ]);
    expect(outcome.consumer).toEqual({ id: 'consumer-1' });
    expect(outcome.credential).toEqual({ id: 'cred-1' });
  });

  it("starts the instance with the plugin config plus Kong's extra keys", async () => {
    const { body } = await probe([], {}, { routeId: 'route-1', serviceId: 'service-1' });

    expect(body.config).toEqual({
      calls: [],
      route_id: 'route-1',
      service_id: 'service-1',
      __plugin_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      __key__: expect.stringMatching(/^plugins:pdk-probe:route-1:service-1:::[0-9a-f-]{36}$/),
      __seq__: expect.any(Number),
      __ws_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('runs a changed configuration on a new instance with a new __seq__ and closes the old one', async () => {
    const plugin = kong.plugin('pdk-probe', { calls: [] });
    const first = probeBody(await plugin.access({})).config;
    const firstInstance = await plugin.instanceId();
    const instancesBefore = ((await kong.call('plugin.ServerStats', null)) as { Instances: number }).Instances;

    plugin.configure({ calls: [], changed: true });
    const second = probeBody(await plugin.access({})).config;

    expect(second.changed).toBe(true);
    expect(second.__seq__).toBeGreaterThan(first.__seq__ as number);
    expect(second.__plugin_id).toBe(first.__plugin_id);
    expect(await plugin.instanceId()).not.toBe(firstInstance);
    expect(((await kong.call('plugin.ServerStats', null)) as { Instances: number }).Instances).toBe(instancesBefore);
  });

  it('starts the instance again and retries the event once when the server answers "no plugin instance"', async () => {
    const plugin = kong.plugin('header-gate', {});
    await plugin.access({ headers: { 'x-api-key': 'k' } });
    await kong.call('plugin.CloseInstance', await plugin.instanceId()); // the server forgets it, as after an idle sweep

    const outcome = await plugin.access({ headers: { 'x-api-key': 'k' } });

    expect(outcome.proxied).toBe(true);
    expect(outcome.rpcError).toBeUndefined();
    expect(plugin.restarts).toBe(1);
  });

  it('serves many concurrent requests over the pool, each with its own outcome', async () => {
    const plugin = kong.plugin('header-gate', {});
    const keys = Array.from({ length: 400 }, (_, i) => (i % 3 === 0 ? undefined : 'k'.repeat(1 + (i % 17))));

    const outcomes = await Promise.all(keys.map((key) => plugin.access({ headers: key ? { 'x-api-key': key } : {} })));

    outcomes.forEach((outcome, i) => {
      const key = keys[i];
      if (key === undefined) expect(outcome.exit?.status).toBe(401);
      else expect(outcome.upstreamHeaders['x-key-length']).toBe(String(key.length));
    });
  });
});

describe('KongPluginServerClient against a plugin server that fails', () => {
  const servers: RunningPluginServer[] = [];
  const clients: KongPluginServerClient[] = [];

  async function connect(command?: string): Promise<{ server: RunningPluginServer; kong: KongPluginServerClient }> {
    const server = await startPluginServer({ fixtures: ['thrower', 'header-gate'], command, prefix });
    const kong = await KongPluginServerClient.connect({ socketPath: server.socketPath });
    servers.push(server);
    clients.push(kong);
    return { server, kong };
  }

  let prefix: string;

  beforeEach(() => {
    prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'kong-prefix-'));
  });

  afterEach(async () => {
    for (const kong of clients.splice(0)) kong.close();
    for (const server of servers.splice(0)) await server.stop();
    fs.rmSync(prefix, { recursive: true, force: true });
  });

  it.each([
    ['stock kong-pdk', STOCK_PLUGIN_SERVER],
    ['okta-auth-pluginserver', undefined],
  ])('proxies a request whose handler throws (Kong fails open) with %s', async (_name, command) => {
    const { kong } = await connect(command);

    const outcome = await kong.plugin('thrower', {}).access({ headers: { authorization: 'Bearer whatever' } });

    expect(outcome.proxied).toBe(true);
    expect(outcome.exit).toBeUndefined();
  });

  it('rejects naming the command when the start command cannot be run, instead of crashing its caller', async () => {
    const missing = path.join(prefix, 'no-such-pluginserver');

    const started = spawnPluginServer({ command: missing, pluginsDir: prefix, prefix });

    await expect(started).rejects.toThrow(`plugin server exited:\nspawn ${missing} ENOENT`);
  });

  it('reconnects and restarts the instance after the plugin server itself restarted', async () => {
    const first = await connect();
    const plugin = first.kong.plugin('header-gate', {});
    await plugin.access({ headers: { 'x-api-key': 'k' } });
    await first.server.stop();

    await startPluginServer({ fixtures: ['header-gate'], prefix }).then((second) => servers.push(second));
    const outcome = await plugin.access({ headers: { 'x-api-key': 'k' } });

    expect(outcome.proxied).toBe(true);
    expect(outcome.rpcError).toBeUndefined();
    expect(plugin.restarts).toBe(1);
  });
});
