import { hashToken } from '../../sidecar/crypto/tokens';
import { CONTENT_SECURITY_POLICY } from '../../sidecar/pages/security-headers';
import { accountService } from '../../sidecar/domain/accounts';
import { CONSOLE_PAGES, type TestConsole, injectBrowser, startTestConsole } from '../support/console';
import { type OktaEmulatorFixture, startOktaEmulator } from '../support/okta-emulator';
import { sqliteTestDatabase, testDatabases } from '../support/sidecar-databases';

/** The payload as it may appear on a page: escaped text, never markup. */
const RAW_MARKUP = ['<img src=x', '<script>window.__xss'];

describe.each(testDatabases)('admin console pages through fastify.inject on %s', (_name, createDatabase) => {
  let t: TestConsole;
  let browser: ReturnType<typeof injectBrowser>;
  beforeAll(async () => {
    t = await startTestConsole(createDatabase);
    browser = injectBrowser(t);
  });
  afterAll(() => t?.close());

  const signIn = async (b = browser) => {
    await b.get('/admin/sign-in');
    return b.post('/admin/sign-in', { admin_token: t.sidecar.adminToken });
  };

  it('redirects to the sign-in page (303) without a console session, and serves the sign-in page with the CSP and a pre-session', async () => {
    const page = await browser.get('/admin/developers');
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/admin/sign-in');
    const signInPage = await browser.get('/admin/sign-in');
    expect(signInPage.statusCode).toBe(200);
    expect(signInPage.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(signInPage.body).toContain('<label for="field-admin_token">Admin token</label>');
    expect(browser.cookies.has('console_presession')).toBe(true);
  });

  it('returns 401 with the reason on the form for a wrong admin token, then 303 with a console_session (only its SHA-256 stored) for the right one', async () => {
    await browser.get('/admin/sign-in');
    const wrong = await browser.post('/admin/sign-in', { admin_token: 'not-the-admin-token' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('That is not the admin token.');
    expect(wrong.body).not.toContain('not-the-admin-token');
    expect(browser.cookies.has('console_session')).toBe(false);

    const right = await browser.post('/admin/sign-in', { admin_token: t.sidecar.adminToken });
    expect(right.statusCode).toBe(303);
    expect(right.headers.location).toBe('/admin/developers');
    expect(String(right.headers['set-cookie'])).toMatch(/console_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax/);
    const id = browser.cookies.get('console_session')!;
    const session = await t.sidecar.store.sessions.find(hashToken(id), 'console');
    expect(session).toMatchObject({ face: 'console', developerId: null, adminId: expect.stringMatching(/^admin-[0-9a-f]{16}$/) });
    expect(await t.sidecar.store.sessions.find(hashToken(id), 'portal')).toBeUndefined();
    const stored = await t.sidecar.database.rawContents();
    expect(stored).not.toContain(id);
    expect(stored).not.toContain(t.sidecar.adminToken);
  });

  it.each(CONSOLE_PAGES)('returns 200 for %s (%s) with the CSP, its navigation, and every name as inert text', async (heading, path) => {
    const page = await browser.get(path);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(page.body).toContain(`<h1>${heading}</h1>`);
    expect(page.body).toContain(`href="${path}" aria-current="page"`);
    for (const markup of RAW_MARKUP) expect(page.body).not.toContain(markup);
  });

  it('shows the XSS payload of full names, app names and descriptions escaped on the pages that list them and in the audit log', async () => {
    const escaped = '&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;';
    expect((await browser.get('/admin/developers')).body).toContain(`Pending ${escaped}`);
    expect((await browser.get('/admin/registrations')).body).toContain(`App ${escaped}`);
    const applications = (await browser.get('/admin/applications')).body;
    expect(applications).toContain(`App ${escaped}`);
    expect(applications).toContain(`Description ${escaped}`);
    expect((await browser.get('/admin/apis')).body).toContain(`Orders ${escaped}`);
    const audit = (await browser.get('/admin/audit?page[size]=100')).body;
    expect(audit).toContain('App &lt;img src=x');
    for (const markup of RAW_MARKUP) expect(audit).not.toContain(markup);
  });

  it('approves a pending developer (303 back to Developers)', async () => {
    await browser.get('/admin/developers');
    const approved = await browser.post(`/admin/developers/${t.seed.pending.id}/status`, { status: 'approved' });
    expect(approved.statusCode).toBe(303);
    expect((await t.sidecar.store.developers.get(t.seed.pending.id))?.status).toBe('approved');
  });

  it('approves a registration, then revokes it only from its confirmation step, with the admin token id in the audit trail', async () => {
    const { applicationId, registrationId } = t.seed;
    const action = `/admin/applications/${applicationId}/registrations/${registrationId}`;
    const requests = await browser.get('/admin/registrations');
    expect(requests.body).toMatch(/<span class="badge badge-pending">pending<\/span>/);
    expect((await browser.post(action, { status: 'approved' })).statusCode).toBe(303);
    expect((await t.sidecar.store.registrations.get(applicationId, registrationId))?.status).toBe('approved');

    await browser.get('/admin/registrations');
    const step = await browser.post(action, { status: 'revoked' });
    expect(step.statusCode).toBe(200);
    expect(step.body).toMatch(/<button type="submit" name="confirm" value="yes" class="button button-danger">Revoke<\/button>/);
    expect((await t.sidecar.store.registrations.get(applicationId, registrationId))?.status).toBe('approved');
    expect((await browser.post(action, { status: 'revoked', confirm: 'yes' })).statusCode).toBe(303);
    expect((await t.sidecar.store.registrations.get(applicationId, registrationId))?.status).toBe('revoked');

    const events = (await t.sidecar.store.audit.list({ number: 1, size: 100 }, { resource_id: registrationId })).items;
    expect(events.map((e) => e.action)).toEqual(['registration.requested', 'registration.approved', 'registration.revoked']);
    expect(events[2]!.actor).toEqual({ type: 'admin', id: expect.stringMatching(/^admin-[0-9a-f]{16}$/), address: '127.0.0.1' });
    const log = (await browser.get('/admin/audit')).body;
    expect(/<td data-label="Action"><code>([^<]+)<\/code>/.exec(log)?.[1]).toBe('registration.revoked');
  });

  it('suspends a developer only from the confirmation step, which names them as text', async () => {
    const action = `/admin/developers/${t.seed.approved.id}/status`;
    await browser.get('/admin/developers');
    const step = await browser.post(action, { status: 'revoked' });
    expect(step.statusCode).toBe(200);
    expect(step.body).toContain('Suspend Approved &lt;img src=x');
    expect((await t.sidecar.store.developers.get(t.seed.approved.id))?.status).toBe('approved');
    expect((await browser.post(action, { status: 'revoked', confirm: 'yes' })).statusCode).toBe(303);
    expect((await t.sidecar.store.developers.get(t.seed.approved.id))?.status).toBe('revoked');
  });

  it('refuses (403) a form posted from another port of the host or without its token, changing nothing', async () => {
    const action = `/admin/developers/${t.seed.approved.id}/status`;
    await browser.get('/admin/developers');
    const otherPort = await browser.post(action, { status: 'approved' }, { origin: 'http://127.0.0.1:9100' });
    expect(otherPort.statusCode).toBe(403);
    const noToken = await browser.post(action, { status: 'approved', _csrf: 'forged' });
    expect(noToken.statusCode).toBe(403);
    expect((await t.sidecar.store.developers.get(t.seed.approved.id))?.status).toBe('revoked');
  });

  it('deletes an application only from its confirmation step', async () => {
    const action = `/admin/applications/${t.seed.applicationId}/delete`;
    await browser.get('/admin/applications');
    const step = await browser.post(action);
    expect(step.statusCode).toBe(200);
    expect(step.body).toContain('Delete App &lt;img src=x');
    expect(await t.sidecar.store.applications.get(t.seed.applicationId)).toBeDefined();
    expect((await browser.post(action, { confirm: 'yes' })).statusCode).toBe(303);
    expect(await t.sidecar.store.applications.get(t.seed.applicationId)).toBeUndefined();
  });

  it('creates an okta DCR provider whose dcr_token is never shown again, and Verify reports the IdP\'s refusal', async () => {
    const dcrToken = `dcr-token-${process.pid}-never-shown`;
    await browser.get('/admin/dcr-providers/new/okta');
    const created = await browser.post('/admin/dcr-providers/new/okta', {
      name: 'unreachable-okta',
      display_name: 'Unreachable Okta',
      issuer: 'http://127.0.0.1:1/oauth2/default',
      'dcr_config.dcr_token': dcrToken,
    });
    expect(created.statusCode).toBe(303);
    const list = await browser.get('/admin/dcr-providers');
    expect(list.body).toContain('Unreachable Okta');
    const [provider] = (await t.sidecar.store.providers.listAll()).filter((p) => p.name === 'unreachable-okta');
    const edit = await browser.get(`/admin/dcr-providers/${provider!.id}/edit`);
    expect(edit.body).toContain('Write-only: leave it empty to keep the stored one.');
    const verified = await browser.post(`/admin/dcr-providers/${provider!.id}/verify`);
    expect(verified.statusCode).toBe(200);
    expect(verified.body).toContain('The identity provider refused the configuration');
    for (const body of [list.body, edit.body, verified.body]) expect(body).not.toContain(dcrToken);
  });

  it('shows a refused auth strategy form again with the reason beside its field, then creates it', async () => {
    const fields = {
      name: 'console-strategy',
      display_name: 'Console strategy',
      'configs.openid-connect.issuer': 'http://idp.example.com/oauth2/default',
      'configs.openid-connect.scopes': 'api:read api:write',
      'configs.openid-connect.credential_claim': 'client_id',
      'configs.openid-connect.auth_methods': 'client_credentials bearer',
      dcr_provider_id: '',
    };
    await browser.get('/admin/auth-strategies/new');
    const refused = await browser.post('/admin/auth-strategies/new', fields);
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toMatch(/id="field-configs.openid-connect.issuer-error">[^<]*https/);
    expect(refused.body).toContain('value="Console strategy"');
    const created = await browser.post('/admin/auth-strategies/new', { ...fields, 'configs.openid-connect.issuer': 'https://idp.example.com/oauth2/default' });
    expect(created.statusCode).toBe(303);
    const [strategy] = (await t.sidecar.store.strategies.listAll()).filter((s) => s.name === 'console-strategy');
    expect(strategy?.configs['openid-connect']).toEqual({
      issuer: 'https://idp.example.com/oauth2/default',
      scopes: ['api:read', 'api:write'],
      credential_claim: ['client_id'],
      auth_methods: ['client_credentials', 'bearer'],
    });
  });

  it('publishes a kong.yml service with its strategy, visibility, auto-approval and OpenAPI document, and flags the drift of another', async () => {
    await browser.get('/admin/apis/billing/publish');
    const published = await browser.post('/admin/apis/billing/publish', {
      auth_strategy_id: t.seed.strategyId,
      visibility: 'private',
      auto_approve: 'yes',
      version: '2.0.0',
      description: 'Invoices',
      spec_content: '{"openapi":"3.0.0","info":{"title":"Billing","version":"2.0.0"},"paths":{}}',
    });
    expect(published.statusCode).toBe(303);
    const api = await t.sidecar.store.apis.getByName('billing');
    expect(api).toMatchObject({ version: '2.0.0', description: 'Invoices' });
    expect(await t.sidecar.store.publications.get(api!.id, '5b3a2c1d-7e4f-4a8b-9c0d-1e2f3a4b5c6d')).toMatchObject({
      auth_strategy_id: t.seed.strategyId,
      visibility: 'private',
      auto_approve_registrations: true,
    });
    await browser.get('/admin/apis/billing/publish');
    const blanked = await browser.post('/admin/apis/billing/publish', { auth_strategy_id: '', visibility: 'public', auto_approve: 'strategy', version: '', description: '', spec_content: '' });
    expect(blanked.statusCode).toBe(303);
    expect(await t.sidecar.store.apis.getByName('billing')).toMatchObject({ version: null, description: null, spec_content: null });
    expect(await t.sidecar.store.publications.get(api!.id, '5b3a2c1d-7e4f-4a8b-9c0d-1e2f3a4b5c6d')).toMatchObject({ auth_strategy_id: null, auto_approve_registrations: null });
    const page = (await browser.get('/admin/apis')).body;
    expect(page).toContain('okta-auth of service orders differs from auth strategy');
    expect(page).toMatch(/issuer: strategy <code>&quot;https:\/\/idp.example.com\/oauth2\/default&quot;<\/code>, gateway <code>&quot;https:\/\/other-idp.example.com/);
  });

  it('shows what reconcile finds per provider (a provider it cannot reach says so)', async () => {
    const page = await browser.get('/admin/reconcile');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h2>unreachable-okta</h2>');
    expect(page.body).toContain('alert alert-error');
  });

  it('returns 429 with Retry-After after repeated failed sign-ins from one address, even for the right token then', async () => {
    const attacker = injectBrowser(t, '192.0.2.77');
    await attacker.get('/admin/sign-in');
    expect((await attacker.post('/admin/sign-in', { admin_token: 'wrong-1' })).statusCode).toBe(401);
    expect((await attacker.post('/admin/sign-in', { admin_token: 'wrong-2' })).statusCode).toBe(401);
    const limited = await attacker.post('/admin/sign-in', { admin_token: t.sidecar.adminToken });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(attacker.cookies.has('console_session')).toBe(false);
  });

  it('signs out (303 to the sign-in page) and the old cookie signs no one in', async () => {
    const other = injectBrowser(t);
    await signIn(other);
    const id = other.cookies.get('console_session')!;
    await other.get('/admin/developers');
    const out = await other.post('/admin/sign-out');
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/admin/sign-in');
    expect(await t.sidecar.store.sessions.find(hashToken(id), 'console')).toBeUndefined();
    const replay = await t.sidecar.app.inject({ url: '/admin/developers', headers: { cookie: `console_session=${id}` } });
    expect(replay.statusCode).toBe(303);
  });

  it('takes no portal session under the console cookie name', async () => {
    const portal = await accountService(t.sidecar.store, t.sidecar.options.accounts).sessions.start(t.seed.pending.id, 'portal');
    const page = await t.sidecar.app.inject({ url: '/admin/developers', headers: { cookie: `console_session=${portal.id}` } });
    expect(page.statusCode).toBe(303);
  });

  it('keeps XSS payloads out of every page as markup (a final sweep after all the changes)', async () => {
    for (const [, path] of CONSOLE_PAGES) {
      const body = (await browser.get(path)).body;
      for (const markup of RAW_MARKUP) expect(body).not.toContain(markup);
    }
  });
});

describe('admin console sign-in limit behind a trusted proxy', () => {
  let t: TestConsole;
  beforeAll(async () => {
    t = await startTestConsole(sqliteTestDatabase, 8080, { app: { trustedProxies: ['127.0.0.1'] } });
  });
  afterAll(() => t?.close());

  it('counts failures per X-Forwarded-For client: one client limited (429), another through the same proxy still signs in', async () => {
    const from = (client: string) => ({ 'x-forwarded-for': client });
    const limited = injectBrowser(t);
    await limited.get('/admin/sign-in');
    for (const token of ['wrong-1', 'wrong-2']) expect((await limited.post('/admin/sign-in', { admin_token: token }, from('198.51.100.1'))).statusCode).toBe(401);
    expect((await limited.post('/admin/sign-in', { admin_token: t.sidecar.adminToken }, from('198.51.100.1'))).statusCode).toBe(429);
    const other = injectBrowser(t);
    await other.get('/admin/sign-in');
    expect((await other.post('/admin/sign-in', { admin_token: t.sidecar.adminToken }, from('198.51.100.2'))).statusCode).toBe(303);
  });
});

describe('admin console Verify against the local Okta-compatible server', () => {
  let okta: OktaEmulatorFixture;
  let t: TestConsole;
  let browser: ReturnType<typeof injectBrowser>;
  beforeAll(async () => {
    okta = await startOktaEmulator();
    t = await startTestConsole(sqliteTestDatabase);
    browser = injectBrowser(t);
    await browser.get('/admin/sign-in');
    await browser.post('/admin/sign-in', { admin_token: t.sidecar.adminToken });
  });
  afterAll(async () => {
    await t?.close();
    await okta?.stop();
  });

  const strategyFields = (issuer: string, providerId: string) => ({
    name: `verified-${issuer.length}`,
    display_name: 'Verified strategy',
    'configs.openid-connect.issuer': issuer,
    'configs.openid-connect.scopes': '',
    'configs.openid-connect.credential_claim': 'client_id',
    'configs.openid-connect.auth_methods': '',
    dcr_provider_id: providerId,
  });

  it('verifies a DCR provider and an auth strategy made through the console forms (success), and names what fails of an unreachable issuer', async () => {
    await browser.get('/admin/dcr-providers/new/okta');
    const created = await browser.post('/admin/dcr-providers/new/okta', { name: 'local-okta', display_name: '', issuer: okta.issuer, 'dcr_config.dcr_token': okta.apiToken });
    expect(created.statusCode).toBe(303);
    const [provider] = (await t.sidecar.store.providers.listAll()).filter((p) => p.name === 'local-okta');
    expect((await browser.post(`/admin/dcr-providers/${provider!.id}/verify`)).body).toContain('The identity provider accepted the configuration.');

    await browser.get('/admin/auth-strategies/new');
    expect((await browser.post('/admin/auth-strategies/new', strategyFields(okta.issuer, provider!.id))).statusCode).toBe(303);
    const unreachable = 'http://127.0.0.1:1/oauth2/default';
    expect((await browser.post('/admin/auth-strategies/new', strategyFields(unreachable, ''))).statusCode).toBe(303);
    const strategies = await t.sidecar.store.strategies.listAll();
    const good = strategies.find((s) => s.name === `verified-${okta.issuer.length}`)!;
    const bad = strategies.find((s) => s.name === `verified-${unreachable.length}`)!;
    const list = await browser.get('/admin/auth-strategies');
    expect(list.body).toContain(`action="/admin/auth-strategies/${good.id}/verify"`);
    expect((await browser.post(`/admin/auth-strategies/${good.id}/verify`)).body).toContain('The identity provider accepted the configuration.');
    const refused = await browser.post(`/admin/auth-strategies/${bad.id}/verify`);
    expect(refused.body).toContain('The identity provider refused the configuration');
    expect(refused.body).toMatch(/<li>issuer: the identity provider could not answer discovery: unreachable/);
  });
});
