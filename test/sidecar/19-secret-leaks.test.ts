import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { hashToken } from '../../sidecar/crypto/tokens';
import { PORTAL_ID } from '../../sidecar/domain/portal';
import { buildPortalApp } from '../../sidecar/portal/app';
import { type HttpDcrBridge, startHttpDcrBridge } from '../support/http-dcr-bridge';
import { type OidcDcrServer, startOidcDcrServer } from '../support/oidc-dcr-server';
import { type OktaEmulatorFixture, startOktaEmulator } from '../support/okta-emulator';
import { type TestSidecar, startTestSidecar } from '../support/sidecar-app';
import { testDatabases } from '../support/sidecar-databases';
import { developer, oktaStrategy, selfManagedStrategy } from '../support/sidecar-fixtures';
import { lastMailTo } from '../support/mailbox';

/**
 * Every kind of secret goes through the sidecar (DCR token, bridge API key, initial and registration access
 * tokens, client secrets old and new, developer tokens old and new, admin and gateway tokens, a kept idempotent
 * response; on the portal: passwords old and new, session ids, CSRF tokens, mailed link tokens, the personal API
 * token), then none may be found in a later response, in the database's files or rows (the audit, session and
 * mail-link tables included), or in the logs. Mailed links live only in the mail folder.
 */
describe.each(testDatabases)('sidecar secrets on %s', (_name, createDatabase) => {
  const bridgeKey = 'bridge_api_key_leakcheck_0123';
  const initialAccessToken = 'initial-access-token-leakcheck';
  let okta: OktaEmulatorFixture;
  let bridge: HttpDcrBridge;
  let oidc: OidcDcrServer;
  let sidecar: TestSidecar;
  let portal: FastifyInstance;
  const secrets = new Set<string>();
  const laterResponses: LightMyRequestResponse[] = [];
  /** The Idempotency-Key replays of the creations. */
  const replays: LightMyRequestResponse[] = [];
  /** The portal's session ids and mailed link tokens, whose SHA-256 alone the sessions and account_tokens tables keep. */
  const sessionIds: string[] = [];
  const linkTokens: string[] = [];

  const keep = (response: LightMyRequestResponse, ...fields: string[]) => {
    for (const field of fields) secrets.add(response.json()[field]);
    return response.json();
  };

  beforeAll(async () => {
    [okta, bridge, oidc] = await Promise.all([startOktaEmulator(), startHttpDcrBridge(bridgeKey), startOidcDcrServer({ initialAccessToken })]);
    sidecar = await startTestSidecar({ logLevel: 'trace', deletionBackoff: { baseMs: 0, maxMs: 0 } }, createDatabase);
    for (const secret of [okta.apiToken, bridgeKey, initialAccessToken, sidecar.adminToken, sidecar.gatewayToken]) secrets.add(secret);

    const { providerId: oktaProvider, strategyId: oktaStrategyId } = await oktaStrategy(sidecar, okta);
    const bridgeProvider = (
      await sidecar.admin({
        method: 'POST',
        url: '/v2/dcr-providers',
        payload: { name: 'bridge', provider_type: 'http', issuer: 'https://idp.example.com', dcr_config: { dcr_base_url: bridge.url, api_key: bridgeKey } },
      })
    ).json();
    const oidcProvider = (
      await sidecar.admin({
        method: 'POST',
        url: '/v2/dcr-providers',
        payload: { name: 'oidc', provider_type: 'openid_connect', issuer: oidc.issuer, dcr_config: { initial_access_token: initialAccessToken } },
      })
    ).json();
    await sidecar.admin({ method: 'PATCH', url: `/v2/dcr-providers/${oktaProvider}`, payload: { dcr_config: { dcr_token: okta.apiToken } } });
    const strategies = [
      oktaStrategyId,
      await selfManagedStrategy(sidecar, 'https://idp.example.com', { providerId: bridgeProvider.id }),
      await selfManagedStrategy(sidecar, oidc.issuer, { providerId: oidcProvider.id }),
    ];

    const dev = await developer(sidecar);
    secrets.add(dev.token);
    const renewed = keep(await sidecar.admin({ method: 'POST', url: `/v2/developers/${dev.id}/token` }), 'token');
    const call = (options: Parameters<typeof dev.call>[0]) =>
      sidecar.app.inject({ ...options, headers: { authorization: `Bearer ${renewed.token}`, ...options.headers } });

    for (const strategyId of strategies) {
      const app = keep(
        await call({ method: 'POST', url: '/v2/applications', payload: { name: 'leak', auth_strategy_id: strategyId }, headers: { 'idempotency-key': strategyId } }),
        'client_secret',
      );
      replays.push(
        await call({ method: 'POST', url: '/v2/applications', payload: { name: 'leak', auth_strategy_id: strategyId }, headers: { 'idempotency-key': strategyId } }),
      );
      const stored = await sidecar.store.applications.get(app.id);
      for (const value of Object.values(stored?.idp_secrets ?? {})) if (!value.startsWith('http')) secrets.add(value);
      const refreshed = await call({ method: 'POST', url: `/v2/applications/${app.id}/refresh-secret` });
      if (refreshed.statusCode === 200) keep(refreshed, 'client_secret');
      const { id: registrationId } = (await call({ method: 'POST', url: `/v2/applications/${app.id}/registrations`, payload: { service: 'orders' } })).json();
      await sidecar.admin({ method: 'PATCH', url: `/v2/applications/${app.id}/registrations/${registrationId}`, payload: { status: 'approved' } });
      laterResponses.push(
        await sidecar.app.inject({
          url: `/v2/internal/applications/by-client-id/${app.client_id}`,
          headers: { authorization: `Bearer ${sidecar.gatewayToken}` },
        }),
      );
    }
    const doomed = keep(await call({ method: 'POST', url: '/v2/applications', payload: { name: 'doomed', auth_strategy_id: oktaStrategyId } }), 'client_secret');
    await okta.control.fault({ path: `/oauth2/v1/clients/${doomed.client_id}`, status: 500, times: 1 });
    await call({ method: 'DELETE', url: `/v2/applications/${doomed.id}` });
    await sidecar.app.deletion.retryDue();

    for (const url of ['/v2/dcr-providers', '/v2/application-auth-strategies', '/v2/developers', `/v2/developers/${dev.id}`, '/v2/reconcile']) {
      laterResponses.push(await sidecar.admin({ url }));
    }
    for (const url of ['/v2/applications', '/docs/json', '/metrics']) laterResponses.push(await call({ url }));
    for (const provider of [oktaProvider, bridgeProvider.id, oidcProvider.id]) {
      laterResponses.push(await sidecar.admin({ url: `/v2/dcr-providers/${provider}` }));
    }
    await portalSecrets();
  });

  /** A developer's account life on the portal listener, every secret of it kept. */
  async function portalSecrets() {
    portal = await buildPortalApp({
      store: sidecar.store,
      accounts: sidecar.options.accounts,
      useCases: sidecar.app.useCases,
      allowedOrigins: [],
      trustedProxies: [],
      logLevel: 'trace',
      ...(sidecar.options.logStream && { logStream: sidecar.options.logStream }),
    });
    const email = 'leak-portal@example.com';
    const [first, second, third] = ['leakcheck password one', 'leakcheck password two', 'leakcheck password three'];
    const post = (url: string, payload?: object, cookie?: string) =>
      portal.inject({ method: 'POST', url, ...(payload && { payload }), headers: cookie ? { cookie } : {} });
    const mailedToken = () => {
      const { token } = lastMailTo(sidecar.mailDir, email);
      secrets.add(token!);
      linkTokens.push(token!);
      return token;
    };
    const session = async (response: LightMyRequestResponse) => {
      const id = response.cookies[0]!.value;
      secrets.add(id);
      sessionIds.push(id);
      secrets.add((await sidecar.store.sessions.find(hashToken(id), 'portal'))!.csrfToken);
      return `portal_session=${id}`;
    };
    [first, second, third].forEach((password) => secrets.add(password));

    await post('/api/v2/developer', { email, full_name: 'Leak Check', password: first });
    await post('/api/v2/developer/verify-email', { token: mailedToken() });
    const { id } = (await sidecar.admin({ url: `/v2/developers?filter[email]=${email}` })).json().data[0];
    await sidecar.admin({ method: 'PATCH', url: `/v3/portals/${PORTAL_ID}/developers/${id}`, payload: { status: 'approved' } });
    let cookie = await session(await post('/api/v2/developer/authenticate', { username: email, password: first }));
    keep(await post('/api/v2/developer/me/token', undefined, cookie), 'token');
    await post('/api/v2/developer/forgot-password', { email });
    await post('/api/v2/developer/reset-password', { token: mailedToken(), password: second });
    cookie = await session(await post('/api/v2/developer/authenticate', { username: email, password: second }));
    cookie = await session(await post('/api/v2/developer/me/password', { current_password: second, new_password: third }, cookie));
    cookie = await session(await post('/api/v2/developer/refresh', undefined, cookie));
    const invited = (await sidecar.admin({ method: 'POST', url: '/v2/developers', payload: { email: 'leak-invited@example.com', full_name: 'Invited' } })).json();
    secrets.add(invited.token);
    const invitation = lastMailTo(sidecar.mailDir, 'leak-invited@example.com').token!;
    secrets.add(invitation);
    linkTokens.push(invitation);
    for (const url of ['/api/v2/portal', '/api/v2/developer/me/token']) laterResponses.push(await portal.inject({ url, headers: { cookie } }));
    cookie = await session(await post('/api/v2/developer/authenticate', { username: email, password: third }));
    laterResponses.push(await portal.inject({ url: '/api/v2/developer/me', headers: { cookie } }));
  }

  afterAll(async () => {
    await portal?.close();
    await sidecar?.close();
    await Promise.all([okta?.stop(), bridge?.stop(), oidc?.stop()]);
  });

  it('went through every kind of secret', () => {
    expect(secrets.size).toBeGreaterThanOrEqual(30);
    for (const secret of secrets) expect(secret).toEqual(expect.any(String));
  });

  it('answers an Idempotency-Key replay of a creation with 201 and without the secret', () => {
    // One replay per strategy (okta, HTTP bridge, OpenID Connect).
    expect(replays.map((r) => r.statusCode)).toEqual([201, 201, 201]);
    for (const response of replays) for (const secret of secrets) expect(response.body).not.toContain(secret);
  });

  it('shows no secret in any response after creation', () => {
    expect(laterResponses.every((r) => r.statusCode === 200)).toBe(true);
    for (const response of laterResponses) for (const secret of secrets) expect(response.body).not.toContain(secret);
  });

  it('stores no secret in clear in the database (SQLite: the main, -wal and -journal files)', async () => {
    const contents = await sidecar.database.rawContents();
    expect(contents).toContain('leak');
    for (const secret of secrets) expect(contents).not.toContain(secret);
  });

  it('keeps the session ids and mailed link tokens as their SHA-256 only: the live session and the unused invitation are found by digest', async () => {
    const contents = await sidecar.database.rawContents();
    const live = sessionIds.at(-1)!;
    const unused = linkTokens.at(-1)!;
    expect(await sidecar.store.sessions.find(hashToken(live), 'portal')).toBeDefined();
    expect(contents).toContain(hashToken(live));
    expect(contents).toContain(hashToken(unused));
    for (const value of [...sessionIds, ...linkTokens]) expect(contents).not.toContain(value);
  });

  it('keeps an audit row of each change, no secret in any of them (nor in the admin trail answer)', async () => {
    const trail = await sidecar.admin({ url: '/v2/audit-events?page[size]=100' });
    expect(trail.json().meta.page.total).toBeLessThanOrEqual(100);
    expect(trail.json().data.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining([
        'registration.requested',
        'registration.approved',
        'dcr_provider.created',
        'dcr_provider.updated',
        'developer.created',
        'developer.token_issued',
        'application.created',
        'application.secret_refreshed',
        'application.deletion_pending',
        'application.deleted',
        'developer.signed_up',
        'developer.email_verified',
        'developer.approved',
        'developer.api_token_created',
        'developer.password_reset',
        'developer.password_changed',
      ]),
    );
    const rows = JSON.stringify((await sidecar.store.audit.list({ number: 1, size: 100 }, {})).items);
    for (const secret of secrets) {
      expect(rows).not.toContain(secret);
      expect(trail.body).not.toContain(secret);
    }
  });

  it('writes no secret to the logs, even at trace level', () => {
    const logs = sidecar.logs();
    expect(logs).toContain('incoming request');
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });
});
