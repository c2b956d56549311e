/**
 * `npm start` and the README walkthrough, end to end: the stack starts the way `npm start` starts it (on its
 * default ports, with a fresh data directory), then every `step=` block of the README runs in bash, in order,
 * against it, and each step's output is checked here. A step added to or removed from the README without a check
 * here fails the test, so the README and the test cannot drift apart.
 *
 * Then the stack restarts on the same data directory, as after a Ctrl-C and `npm start`: an application made before
 * still works, and the walkthrough runs a second time, in a new shell, printing what it printed the first time.
 */
import axios from 'axios';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { isFree } from '../../devstack/stack/ports';
import { PORTAL } from '../../sidecar/defaults';
import { readMails } from '../support/mailbox';
import { readmeSteps, StepRunner, type ReadmeStep } from '../support/readme-steps';
import { runStartUntilExit, startStack, type StartedStack } from '../support/npm-start';

const ROOT = path.resolve(__dirname, '../..');
const steps = readmeSteps(path.join(ROOT, 'README.md'));
/** Every port the stack listens on: Okta, sidecar, portal, gateway, demo upstream. */
const STACK_PORTS = [9000, 8080, 8081, 8000, 9100];
const UUID = /^[0-9a-f-]{36}$/;

/** The id the summary prints for a line like `auth strategy   local-okta-client-credentials  (id ..., created now)`. */
function printedId(output: string, label: string): string {
  const id = new RegExp(`${label}\\s+\\S+ {2}\\(id ([0-9a-f-]{36}),`).exec(output)?.[1];
  if (!id) throw new Error(`npm start printed no ${label} line:\n${output}`);
  return id;
}

/** The HTTP status lines of `curl -i` output and the codes `-w '%{http_code}'` printed, in order. */
function statuses(output: string): number[] {
  return [...output.matchAll(/^(?:HTTP\/1\.1 (\d{3}) .*|(\d{3}))$/gm)].map((m) => Number(m[1] ?? m[2]));
}

/** The JSON the demo upstream echoed (the last body in `curl -i` output). */
function echoed(output: string): { path: string; headers: Record<string, string> } {
  const body = output.slice(output.lastIndexOf('\n{'));
  return JSON.parse(body) as { path: string; headers: Record<string, string> };
}

type Check = (output: string, runner: StepRunner) => void;

const checks: Record<string, Check> = {
  setup: (_output, runner) => {
    expect(runner.variable('ADMIN_TOKEN')).toMatch(/^adm_/);
    expect(runner.variable('DCR_TOKEN')).toMatch(/^00/);
  },
  'create-provider': (output, runner) => {
    expect(runner.variable('PROVIDER_ID')).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(output)).toMatchObject({ status: 'success' });
  },
  'create-strategy': (_output, runner) => expect(runner.variable('STRATEGY_ID')).toMatch(/^[0-9a-f-]{36}$/),
  'publish-demo': (output, runner) => {
    expect(runner.variable('API_ID')).toMatch(UUID);
    expect(runner.variable('PORTAL_ID')).toBe(PORTAL.id);
    expect(output.trim().split('\n').map((line) => JSON.parse(line))).toEqual([
      { visibility: 'public', auth_strategy_ids: [runner.variable('STRATEGY_ID')], auto_approve_registrations: false },
      { name: 'demo', portals: [PORTAL.display_name] },
    ]);
  },
  'portal-sign-up': (output) => {
    expect(statuses(output)).toEqual([201, 204]);
    expect(JSON.parse(output.slice(output.indexOf('{')))).toEqual({ email: 'pat@example.com', full_name: 'Pat Portal' });
  },
  'portal-products': (output) => expect(JSON.parse(output)).toEqual({ products: [{ name: 'demo', version: '1.0.0' }], total: 1 }),
  'create-application': (output, runner) => {
    expect(runner.variable('CLIENT_ID')).toMatch(/^0oa/);
    expect(runner.variable('CLIENT_SECRET').length).toBeGreaterThan(20);
    expect(JSON.parse(output)).toMatchObject({ name: 'weather-app', client_id: runner.variable('CLIENT_ID') });
  },
  'unregistered-refused': (output) => {
    expect(statuses(output)).toEqual([403]);
    expect(output).toContain('{"message":"Forbidden"}');
  },
  'register-and-approve': (output) => expect(JSON.parse(output)).toMatchObject({ service: 'demo', status: 'approved' }),
  'call-bearer': (output, runner) => {
    expect(statuses(output)).toEqual([200]);
    const request = echoed(output);
    expect(request.path).toBe('/hello');
    expect(request.headers).toMatchObject({
      'x-client-id': runner.variable('CLIENT_ID'),
      'x-credential-identifier': runner.variable('CLIENT_ID'),
      'x-application-id': runner.variable('APP_ID'),
      'x-application-name': 'weather-app',
      'x-authenticated-scope': 'api:read',
    });
    expect(request.headers['x-developer-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(request.headers.authorization).toBeUndefined();
  },
  'call-basic': (output, runner) => {
    expect(statuses(output)).toEqual([200, 200]);
    expect(output.split(runner.variable('CLIENT_ID')).length - 1).toBeGreaterThanOrEqual(4);
    expect(output).not.toContain('"authorization"');
  },
  'wrong-credentials': (output) => {
    expect(statuses(output)).toEqual([401, 401, 401]);
    expect(output).toMatch(/^www-authenticate: Bearer realm="kong"\r?$/im);
  },
  'rotate-secret': (output) => expect(statuses(output)).toEqual([200]),
  revoke: (output) => {
    expect(output).toMatch(/^revoked$/m);
    expect(statuses(output)).toEqual([403]);
  },
  delete: (output) => expect(statuses(output)).toEqual([204, 403, 403, 401]),
};

const portIsFree = (port: number) => isFree(port, '127.0.0.1');

/** The environment of a local-stack run: this data directory, and never a real Okta org from the caller's shell. */
function localStackEnv(dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, SIDECAR_DATA_DIR: dataDir };
  delete env.OKTA_ISSUER;
  delete env.OKTA_API_TOKEN;
  return env;
}

/**
 * A step's output with what differs from one run to the next by design (ids, secrets, tokens, times) replaced by
 * placeholders: the exported variables by name first, then the shapes of the values that are never exported.
 */
function normalized(output: string, variables: Record<string, string>): string {
  let text = output;
  for (const [name, value] of Object.entries(variables)) if (value.length >= 16) text = text.split(value).join(`$${name}`);
  return text
    .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g, '<jwt>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(/\b0oa[A-Za-z0-9]{17}\b/g, '<client id>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
    .replace(/\b[0-9a-f]{32}\b/g, '<request id>')
    .replace(/^(date|content-length|x-kong-[\w-]*latency): .*$/gim, '$1: <varies>');
}

/** `npm run reconcile` as a person types it beside `npm start`: no variable set but where the data is. */
function reconcile(dataDir: string): Promise<{ fix: boolean; data: { status: string; missing: unknown[]; orphans: unknown[] }[] }> {
  const dist = path.join(ROOT, 'dist');
  const env = { PATH: process.env.PATH, SIDECAR_DATA_DIR: dataDir };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-r', path.join(dist, 'devstack/stack/use-local-stack.js'), path.join(dist, 'sidecar/reconcile.js')], { env, timeout: 30_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`reconcile failed: ${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
    );
  });
}

describe('npm start and the README walkthrough, twice, with a restart between', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let stack: StartedStack | undefined;
  let runner: StepRunner;
  let secondRunner: StepRunner;
  const firstOutputs = new Map<string, string>();
  /** An application made before the restart, registered and approved: it must keep working after it. */
  let kept: { id: string; clientId: string; clientSecret: string; devToken: string };
  const sidecar = axios.create({ baseURL: 'http://127.0.0.1:8080', proxy: false, validateStatus: () => true });
  const gateway = axios.create({ baseURL: 'http://127.0.0.1:8000', proxy: false, validateStatus: () => true });
  const portal = axios.create({ baseURL: 'http://127.0.0.1:8081', proxy: false, validateStatus: () => true });
  const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });
  const basic = (id: string, secret: string) => ({ auth: { username: id, password: secret } });
  const adminToken = () => JSON.parse(fs.readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')).SIDECAR_ADMIN_TOKEN as string;
  /** demo as the admin API has it (exactly one API of that name), and its publication in the portal. */
  const demoPublication = async () => {
    const apis = await sidecar.get('/v3/apis', { params: { 'filter[name]': 'demo' }, ...bearer(adminToken()) });
    expect(apis.status).toBe(200);
    expect(apis.data.data).toHaveLength(1);
    const api = apis.data.data[0];
    const publication = await sidecar.get(`/v3/apis/${api.id}/publications/${PORTAL.id}`, bearer(adminToken()));
    expect(publication.status).toBe(200);
    return { api, publication: publication.data };
  };
  let demoApiId: string;

  beforeAll(async () => {
    for (const port of STACK_PORTS) {
      if (!(await portIsFree(port))) throw new Error(`port ${port} is taken: stop a running \`npm start\` before the tests`);
    }
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'walkthrough-'));
    env = localStackEnv(dataDir);
    stack = await startStack(env);
    runner = new StepRunner(ROOT, env);
    secondRunner = new StepRunner(ROOT, env);
  });

  afterAll(async () => {
    if (stack) await stack.interrupt();
    runner?.dispose();
    secondRunner?.dispose();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('has a check for every README step and a README step for every check', () => {
    expect(steps.map((s) => s.name).sort()).toEqual(Object.keys(checks).sort());
  });

  it('prints the URLs and the local credentials in its summary, and stores them owner-only', () => {
    const secrets = JSON.parse(fs.readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')) as Record<string, string>;
    const output = stack?.output() ?? '';
    for (const url of ['http://127.0.0.1:9000/oauth2/default', 'http://127.0.0.1:8080', 'http://127.0.0.1:8081', 'http://127.0.0.1:8000', 'http://127.0.0.1:9100']) {
      expect(output).toContain(url);
    }
    expect(output).toContain(secrets.SIDECAR_ADMIN_TOKEN);
    expect(output).toContain(secrets.OKTA_EMULATOR_API_TOKEN);
    expect(output).not.toContain(secrets.SIDECAR_ENCRYPTION_KEY);
    expect(output).toMatch(/NOT Kong/);
    expect(fs.statSync(path.join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
  });

  it('creates the local-okta provider and the local-okta-client-credentials strategy, and prints them', () => {
    expect(stack?.output()).toMatch(/DCR provider\s+local-okta {2}\(id [0-9a-f-]{36}, created now\)/);
    expect(stack?.output()).toMatch(/auth strategy\s+local-okta-client-credentials {2}\(id [0-9a-f-]{36}, created now\)/);
  });

  it("says it sets the local journey's account settings, and prints the mail folder", () => {
    const output = stack?.output() ?? '';
    expect(output).toMatch(/Developer portal\s+http:\/\/127\.0\.0\.1:8081 /);
    expect(output).toMatch(/a developer who signs up\s+no email link, approved at once\n/);
    expect(output).toContain('npm start sets PORTAL_AUTO_APPROVE_DEVELOPERS=true PORTAL_REQUIRE_EMAIL_VERIFICATION=false for the local journey');
    expect(output).toMatch(new RegExp(`mail\\s+${path.join(dataDir, 'mail')} `));
  });

  it("prints the admin console's address and where its token is, and serves its sign-in page there", async () => {
    expect(stack?.output()).toContain(
      `Admin console                  http://127.0.0.1:8080/admin/   (field Admin token: SIDECAR_ADMIN_TOKEN of ${path.join(dataDir, 'secrets.json')})`,
    );
    const signIn = await sidecar.get('/admin/sign-in');
    expect(signIn.status).toBe(200);
    expect(signIn.data).toContain('<label for="field-admin_token">Admin token</label>');
  });

  it("runs the portal listener on 8081: Portal API v2, and none of the sidecar's admin paths", async () => {
    const context = await portal.get('/api/v2/portal');
    expect(context.status).toBe(200);
    expect(context.data).toMatchObject({ portal_id: PORTAL.id, canonical_domain: '127.0.0.1:8081' });
    expect((await portal.get('/v3/apis', bearer(adminToken()))).status).toBe(404);
  });

  it('publishes demo in the portal with the local strategy, public, not auto-approved, and prints it', async () => {
    const output = stack?.output() ?? '';
    const { api, publication } = await demoPublication();
    demoApiId = api.id;
    expect(api).toMatchObject({ name: 'demo', portals: [{ id: PORTAL.id }] });
    expect(printedId(output, 'published API')).toBe(api.id);
    expect(output).toMatch(/published API\s+demo {2}\(id [0-9a-f-]{36}, created now\)/);
    expect(output).toContain("public, auth strategy local-okta-client-credentials, registrations wait for an admin's approval  (published now)");
    expect(publication).toMatchObject({
      portal_id: PORTAL.id,
      auth_strategy_ids: [printedId(output, 'auth strategy')],
      visibility: 'public',
      auto_approve_registrations: false,
    });
  });

  it('points the sidecar at kong.yml: GET /v2/services lists its demo service, checked', async () => {
    const services = await sidecar.get('/v2/services', bearer(adminToken()));
    expect(services.status).toBe(200);
    expect(services.data).toMatchObject({ data: [{ name: 'demo' }], meta: { checked: true } });
  });

  it.each(steps.map((step): [string, ReadmeStep] => [step.name, step]))('runs README step %s as written', async (_name, step) => {
    const output = await runner.run(step);
    const check = checks[step.name];
    if (!check) throw new Error(`no check for README step ${step.name}`);
    check(output, runner);
    firstOutputs.set(step.name, normalized(output, runner.variables()));
  });

  it('registers and approves one more application, for the restart', async () => {
    const devToken = runner.variable('DEV_TOKEN');
    const created = await sidecar.post('/v2/applications', { name: 'kept-app', auth_strategy_id: runner.variable('STRATEGY_ID') }, bearer(devToken));
    expect(created.status).toBe(201);
    kept = { id: created.data.id, clientId: created.data.client_id, clientSecret: created.data.client_secret, devToken };
    const registration = await sidecar.post(`/v2/applications/${kept.id}/registrations`, { service: 'demo' }, bearer(devToken));
    expect(registration.status).toBe(201);
    const approved = await sidecar.patch(`/v2/applications/${kept.id}/registrations/${registration.data.id}`, { status: 'approved' }, bearer(adminToken()));
    expect(approved.data).toMatchObject({ status: 'approved' });
    expect((await gateway.get('/demo/hello', basic(kept.clientId, kept.clientSecret))).status).toBe(200);
  });

  it('stops everything cleanly on Ctrl-C', async () => {
    const running = stack as StartedStack;
    stack = undefined;
    expect(await running.interrupt()).toBe(0);
    for (const port of STACK_PORTS) expect(await portIsFree(port)).toBe(true);
  });

  it('finds its provider and strategy again when it starts on the used data directory', async () => {
    const first = stack;
    stack = await startStack(env);
    expect(first).toBeUndefined();
    expect(stack.output()).toMatch(/DCR provider\s+local-okta {2}\(id [0-9a-f-]{36}, from a previous run\)/);
    expect(stack.output()).toMatch(/auth strategy\s+local-okta-client-credentials {2}\(id [0-9a-f-]{36}, from a previous run\)/);
  });

  it('finds demo and its publication again on the used data directory, neither duplicated nor changed back', async () => {
    const output = stack?.output() ?? '';
    expect(output).toMatch(/published API\s+demo {2}\(id [0-9a-f-]{36}, from a previous run\)/);
    // The walkthrough published demo with its own strategy: npm start leaves an existing publication as it is.
    expect(output).toContain("public, auth strategy okta-client-credentials, registrations wait for an admin's approval  (published by a previous run)");
    const { api, publication } = await demoPublication();
    expect(api.id).toBe(demoApiId);
    expect(printedId(output, 'published API')).toBe(demoApiId);
    expect(publication).toMatchObject({ auth_strategy_ids: [runner.variable('STRATEGY_ID')], visibility: 'public', auto_approve_registrations: false });
    expect((await sidecar.get('/v3/apis', bearer(adminToken()))).data.meta.page.total).toBe(1);
    expect((await portal.get('/api/v2/portal')).status).toBe(200);
  });

  it('keeps the application made before the restart working: Bearer, Basic, refresh-secret and reconcile', async () => {
    const issuer = runner.variable('ISSUER');
    const tokenAnswer = await axios.post(`${issuer}/v1/token`, new URLSearchParams({ grant_type: 'client_credentials', scope: 'api:read' }), {
      ...basic(kept.clientId, kept.clientSecret),
      proxy: false,
      validateStatus: () => true,
    });
    expect(tokenAnswer.status).toBe(200);
    const viaBearer = await gateway.get('/demo/hello', bearer(tokenAnswer.data.access_token));
    expect(viaBearer.status).toBe(200);
    expect(viaBearer.data.headers).toMatchObject({ 'x-application-id': kept.id, 'x-client-id': kept.clientId });
    expect((await gateway.get('/demo/hello', basic(kept.clientId, kept.clientSecret))).status).toBe(200);

    const refreshed = await sidecar.post(`/v2/applications/${kept.id}/refresh-secret`, {}, bearer(kept.devToken));
    expect(refreshed.status).toBe(200);
    expect(refreshed.data.client_secret).not.toBe(kept.clientSecret);
    expect((await gateway.get('/demo/hello', basic(kept.clientId, refreshed.data.client_secret))).status).toBe(200);

    const report = await reconcile(dataDir);
    expect(report.data.length).toBeGreaterThanOrEqual(2);
    for (const provider of report.data) expect(provider).toMatchObject({ status: 'checked', missing: [], orphans: [] });
  });

  it.each(steps.map((step): [string, ReadmeStep] => [step.name, step]))(
    'runs README step %s again after the restart, in a new shell, printing what it printed the first time',
    async (_name, step) => {
      const output = await secondRunner.run(step);
      checks[step.name]!(output, secondRunner);
      expect(normalized(output, secondRunner.variables())).toEqual(firstOutputs.get(step.name));
    },
  );

  it('found the provider, the strategy, the API and the developer of the first run instead of making new ones', () => {
    for (const name of ['PROVIDER_ID', 'STRATEGY_ID', 'API_ID']) expect(secondRunner.variable(name)).toBe(runner.variable(name));
    expect(secondRunner.variable('DEV_TOKEN')).not.toBe(runner.variable('DEV_TOKEN'));
  });

  it('mailed the second sign-up of pat@example.com "you already have an account", into the printed mail folder', () => {
    const mails = readMails(path.join(dataDir, 'mail')).filter((mail) => mail.to.includes('pat@example.com'));
    expect(mails.map((mail) => mail.subject)).toEqual(['You already have an account on the developer portal']);
  });

  it('keeps every secret of both runs out of the sidecar, portal and plugin server logs', () => {
    const logs = ['sidecar.log', 'portal.log', 'pluginserver.log'].map((f) => fs.readFileSync(path.join(dataDir, 'logs', f), 'utf8')).join('\n');
    const secrets = JSON.parse(fs.readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')) as Record<string, string>;
    const journey = [runner, secondRunner].flatMap((r) => ['CLIENT_SECRET', 'DEV_TOKEN', 'ACCESS_TOKEN'].map((name) => r.variable(name)));
    expect(logs).toContain('/api/v2/developer/authenticate');
    for (const secret of [...Object.values(secrets), ...journey, kept.clientSecret, 'pat-portal-password']) expect(logs).not.toContain(secret);
  });

  it('keeps no client secret in clear in the data directory', () => {
    const clients = fs.readFileSync(path.join(dataDir, 'okta-emulator', 'clients.json'), 'utf8');
    expect(clients).toContain(kept.clientId);
    for (const secret of [kept.clientSecret, runner.variable('CLIENT_SECRET'), secondRunner.variable('CLIENT_SECRET')]) {
      expect(clients).not.toContain(secret);
    }
    for (const file of ['clients.json', 'keys.json']) expect(fs.statSync(path.join(dataDir, 'okta-emulator', file)).mode & 0o777).toBe(0o600);
  });
});

describe('npm start on a second run and with the wrong environment', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-start-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const baseEnv = () => localStackEnv(dataDir);

  it('reuses the secrets it generated on the first run', async () => {
    const first = await startStack(baseEnv());
    await first.interrupt();
    const secrets = fs.readFileSync(path.join(dataDir, 'secrets.json'), 'utf8');
    const second = await startStack(baseEnv());
    await second.interrupt();
    expect(fs.readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')).toBe(secrets);
  });

  it.each(['GATEWAY_PORT', 'PORTAL_PORT'])('names the port and the variable that changes it when a port is taken (%s)', async (variable) => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const { code, output } = await runStartUntilExit({ ...baseEnv(), [variable]: String(port) });
      expect(code).toBe(1);
      expect(output).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect(output).toContain(`set ${variable} to another port`);
    } finally {
      blocker.close();
    }
  });

  it('uses a real Okta org when OKTA_ISSUER and OKTA_API_TOKEN are set, and never prints its token', async () => {
    const apiToken = '00real-org-token-that-must-not-be-printed';
    const stack = await startStack({ ...baseEnv(), OKTA_ISSUER: 'https://acme.okta.com/oauth2/default', OKTA_API_TOKEN: apiToken });
    const code = await stack.interrupt();
    expect(stack.output()).toMatch(/Okta \(your org\)\s+https:\/\/acme\.okta\.com\/oauth2\/default/);
    expect(stack.output()).not.toContain(apiToken);
    expect(stack.output()).not.toContain('local, Okta-compatible');
    expect(code).toBe(0);
  });

  it('refuses half a real Okta configuration with a clear message', async () => {
    const { code, output } = await runStartUntilExit({ ...baseEnv(), OKTA_ISSUER: 'https://acme.okta.com/oauth2/default' });
    expect(code).toBe(1);
    expect(output).toContain('set both OKTA_ISSUER and OKTA_API_TOKEN');
  });
});
