/**
 * The admin console under test: a sidecar whose console origin is a known address, seeded with what every console
 * page lists (a pending and an approved developer, an application with a pending registration, a published API
 * whose okta-auth config drifts from its strategy), names carrying an XSS payload; and a form-posting client for
 * `fastify.inject` that behaves as a browser does (cookies, the page's CSRF token, its own Origin).
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { AppOptions } from '../../sidecar/app';
import { PORTAL } from '../../sidecar/defaults';
import { accountService } from '../../sidecar/domain/accounts';
import { type TestSidecar, startTestSidecar } from './sidecar-app';
import type { TestDatabase } from './sidecar-databases';
import { type TestDeveloper, oktaStrategy, selfManagedStrategy } from './sidecar-fixtures';

/** Markup and quotes that run script if a page ever inserts them as HTML. */
export const XSS = `<img src=x onerror="window.__xss=1">"'<script>window.__xss=2</script>`;

/** The console's pages, as its navigation names them. */
export const CONSOLE_PAGES = [
  ['Developers', '/admin/developers'],
  ['Registration requests', '/admin/registrations'],
  ['Applications', '/admin/applications'],
  ['DCR providers', '/admin/dcr-providers'],
  ['Auth strategies', '/admin/auth-strategies'],
  ['APIs', '/admin/apis'],
  ['Reconcile', '/admin/reconcile'],
  ['Audit log', '/admin/audit'],
] as const;

const ISSUER = 'https://idp.example.com/oauth2/default';

/** The seed's names: each carrying the XSS payload (the tests), or as people write them (the screenshots). */
const NAMES = {
  xss: {
    pending: `Pending ${XSS}`,
    pendingEmail: `pending-${process.pid}@example.com`,
    approved: `Approved ${XSS}`,
    approvedEmail: `approved-${process.pid}@example.com`,
    app: `App ${XSS}`,
    description: `Description ${XSS}`,
    clientId: `console-${process.pid}`,
    api: `Orders ${XSS}`,
  },
  plain: {
    pending: 'Priya Patel',
    pendingEmail: 'priya@example.com',
    approvedEmail: 'dana@example.com',
    clientId: '0oa1weatherapp7x2',
    approved: 'Dana Developer',
    app: 'Weather app',
    description: 'Seven-day forecasts for the mobile app',
    api: 'Create, list and track orders',
  },
};

export interface ConsoleOptions {
  names?: keyof typeof NAMES;
  /** An Okta-compatible server to register a DCR provider at (the screenshots' reconcile and providers pages). */
  okta?: { issuer: string; apiToken: string };
  /** Options of the sidecar app beyond the console's origin and kong.yml. */
  app?: Partial<AppOptions>;
}

/** A free port of loopback right now (for a console whose origin must be known before it listens). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface ConsoleSeed {
  pending: { id: string; email: string };
  approved: TestDeveloper & { email: string };
  strategyId: string;
  applicationId: string;
  registrationId: string;
}

export interface TestConsole {
  sidecar: TestSidecar;
  origin: string;
  seed: ConsoleSeed;
  close(): Promise<void>;
}

/** A sidecar with its console at `origin` (a port it will listen on), its kong.yml and the seed. */
export async function startTestConsole(
  createDatabase: () => Promise<TestDatabase>,
  port = 8080,
  options: ConsoleOptions = {},
): Promise<TestConsole> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-'));
  const kongYml = path.join(dir, 'kong.yml');
  fs.writeFileSync(
    kongYml,
    [
      '_format_version: "3.0"',
      'services:',
      '  - name: orders',
      '    url: http://127.0.0.1:9101',
      '    plugins:',
      '      - name: okta-auth',
      '        config: { issuer: "https://other-idp.example.com/oauth2/default", scopes_required: ["orders:read"] }',
      '  - name: billing',
      '    url: http://127.0.0.1:9102',
      '',
    ].join('\n'),
  );
  const origin = `http://127.0.0.1:${port}`;
  const sidecar = await startTestSidecar({ consoleUrl: origin, kongDeclarativeConfig: kongYml, ...options.app }, createDatabase, {
    requireEmailVerification: false,
  });
  const seed = await seedConsole(sidecar, NAMES[options.names ?? 'xss']);
  if (options.okta) await oktaStrategy(sidecar, options.okta);
  return {
    sidecar,
    origin,
    seed,
    async close() {
      await sidecar.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The console on a free port of loopback, listening: for a browser, which needs a real address. */
export async function startListeningConsole(createDatabase: () => Promise<TestDatabase>, options: ConsoleOptions = {}): Promise<TestConsole> {
  const running = await startTestConsole(createDatabase, await freePort(), options);
  await running.sidecar.app.listen({ port: Number(new URL(running.origin).port), host: '127.0.0.1' });
  return running;
}

function expectStatus(response: LightMyRequestResponse, status: number, what: string) {
  if (response.statusCode !== status) throw new Error(`${what}: HTTP ${response.statusCode} ${response.body}`);
  return response.json();
}

async function seedConsole(sidecar: TestSidecar, names: (typeof NAMES)['xss']): Promise<ConsoleSeed> {
  const accounts = accountService(sidecar.store, sidecar.options.accounts);
  const pendingEmail = names.pendingEmail;
  await accounts.signUps.register({ email: pendingEmail, full_name: names.pending, password: 'correct horse battery staple' }, '127.0.0.9');
  const pending = (await sidecar.store.developers.findWithPasswordByEmail(pendingEmail))!.developer;

  const approvedEmail = names.approvedEmail;
  const created = expectStatus(
    await sidecar.admin({ method: 'POST', url: '/v2/developers', payload: { email: approvedEmail, full_name: names.approved } }),
    201,
    'create developer',
  );
  const approved = {
    id: created.id as string,
    token: created.token as string,
    email: approvedEmail,
    call: (options: InjectOptions) => sidecar.app.inject({ ...options, headers: { authorization: `Bearer ${created.token}`, ...options.headers } }),
  };

  const strategyId = await selfManagedStrategy(sidecar, ISSUER);
  const api = expectStatus(await sidecar.admin({ method: 'POST', url: '/v3/apis', payload: { name: 'orders', description: names.api } }), 201, 'create API');
  await sidecar.admin({ method: 'PUT', url: `/v3/apis/${api.id}/publications/${PORTAL.id}`, payload: { auth_strategy_ids: [strategyId], visibility: 'public' } });
  const application = expectStatus(
    await sidecar.admin({
      method: 'POST',
      url: `/v2/developers/${approved.id}/applications`,
      payload: { name: names.app, description: names.description, auth_strategy_id: strategyId, client_id: names.clientId },
    }),
    201,
    'claim application',
  );
  const registration = expectStatus(
    await approved.call({ method: 'POST', url: `/v2/applications/${application.id}/registrations`, payload: { service: 'orders' } }),
    201,
    'request registration',
  );
  return { pending: { id: pending.id, email: pendingEmail }, approved, strategyId, applicationId: application.id, registrationId: registration.id };
}

/** The hidden CSRF field of the first form of a page. */
export const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];

/** A browser's worth of console over `fastify.inject`: a cookie jar, and form posts with the last page's token. */
export function injectBrowser(t: TestConsole, remoteAddress = '127.0.0.1') {
  const jar = new Map<string, string>();
  let token: string | undefined;
  const remember = (response: LightMyRequestResponse) => {
    for (const cookie of response.cookies) {
      if (cookie.expires && cookie.expires.getTime() <= Date.now()) jar.delete(cookie.name);
      else jar.set(cookie.name, cookie.value);
    }
    if (String(response.headers['content-type']).startsWith('text/html')) token = csrfOf(response.body) ?? token;
    return response;
  };
  const cookie = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  return {
    cookies: jar,
    get: async (url: string) => remember(await t.sidecar.app.inject({ method: 'GET', url, remoteAddress, headers: { cookie: cookie() } })),
    /** A form POST as the page's own form sends it (override `origin` or `_csrf` to forge one). */
    post: async (url: string, fields: Record<string, string> = {}, headers: Record<string, string> = {}) =>
      remember(
        await t.sidecar.app.inject({
          method: 'POST',
          url,
          remoteAddress,
          headers: { cookie: cookie(), origin: t.origin, 'content-type': 'application/x-www-form-urlencoded', ...headers },
          payload: new URLSearchParams({ _csrf: token ?? '', ...fields }).toString(),
        }),
      ),
  };
}
