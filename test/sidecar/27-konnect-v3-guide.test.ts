/**
 * Kong's newer Dev Portal guides, their Konnect API calls replayed verbatim against the sidecar's real port: the same
 * methods, paths (query strings as the guides encode them), headers and bodies; only the host and the guides'
 * variables ($KONNECT_TOKEN, $PORTAL_ID, $API_ID, ...) are substituted. Each call names the guide it comes from:
 *   AUTOMATE: https://developer.konghq.com/how-to/automate-api-catalog/
 *   DCR:      https://developer.konghq.com/dev-portal/dynamic-client-registration/ (its "API" tab, Okta)
 *   OIDC:     https://developer.konghq.com/how-to/enable-oidc-auth-for-dev-portal/ ("Apply the Okta OIDC auth strategy")
 *   REVIEW:   https://developer.konghq.com/how-to/review-partner-api-access-requests-for-dev-portal/
 * The guides' calls the sidecar does not provide (API documents and specifications, control planes, forms, and the
 * admin's creation of developers, applications and registrations) are listed in sidecar/README.md; here the
 * developer's own calls stand in for the last three.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildPortalApp } from '../../sidecar/portal/app';
import { type OktaEmulatorFixture, startOktaEmulator } from '../support/okta-emulator';
import { TEST_PORTAL_URL, type TestSidecar, startTestSidecar } from '../support/sidecar-app';
import { testDatabases } from '../support/sidecar-databases';
import { type TestDeveloper, developer } from '../support/sidecar-fixtures';

/** The service the guides' API stands for, as the sidecar matches an API to kong.yml by name. */
const KONG_YML = `_format_version: "3.0"
services:
  - name: myApi
    url: http://127.0.0.1:9100
`;

describe.each(testDatabases)("Kong's newer Dev Portal guides, their /v3 calls verbatim, on %s", (_name, createDatabase) => {
  let dir: string;
  let okta: OktaEmulatorFixture;
  let sidecar: TestSidecar;
  let portal: FastifyInstance;
  let API_HOST: string;
  let KONNECT_TOKEN: string;
  let PORTAL_ID: string;
  let API_ID: string;
  let DCR_PROVIDER: string;
  let AUTH_STRATEGY_ID: string;
  let DEVELOPER_ID: string;
  let APPLICATION_ID: string;
  let REGISTRATION_ID: string;
  let dev: TestDeveloper;

  /** `curl -X <method> "$API_HOST<path>" -H ...`: a real HTTP request to the sidecar's port. */
  const curl = async (method: string, url: string, headers: Record<string, string>, body?: unknown) => {
    const response = await fetch(`${API_HOST}${url}`, { method, headers, ...(body !== undefined && { body: JSON.stringify(body) }) });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  };
  /** The headers AUTOMATE sends with every call. */
  const automateHeaders = () => ({
    Accept: 'application/json',
    'Content-Type': 'application/json',
    Authorization: `Bearer ${KONNECT_TOKEN}`,
  });
  /** What `konnect_api_request` blocks send: the token, and a JSON type when there is a body. */
  const konnectHeaders = () => ({ Authorization: `Bearer ${KONNECT_TOKEN}`, 'Content-Type': 'application/json' });

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sidecar-v3-guide-'));
    fs.writeFileSync(path.join(dir, 'kong.yml'), KONG_YML);
    okta = await startOktaEmulator();
    sidecar = await startTestSidecar({ kongDeclarativeConfig: path.join(dir, 'kong.yml') }, createDatabase, {
      requireEmailVerification: false,
    });
    await sidecar.app.listen({ port: 0, host: '127.0.0.1' });
    API_HOST = `http://127.0.0.1:${(sidecar.app.server.address() as AddressInfo).port}`;
    KONNECT_TOKEN = sidecar.adminToken;
    portal = await buildPortalApp({ store: sidecar.store, accounts: sidecar.options.accounts, useCases: sidecar.app.useCases, allowedOrigins: [], trustedProxies: [] });
    await portal.ready();
    dev = await developer(sidecar);
  });
  afterAll(async () => {
    await portal?.close();
    await sidecar?.close();
    await okta?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('AUTOMATE "Create an API": POST /v3/apis {name} answers 201 with the id to export', async () => {
    const response = await curl('POST', '/v3/apis', automateHeaders(), { name: 'myApi' });
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({ id: expect.any(String), name: 'myApi', portals: [] });
    API_ID = response.json.id;
  });

  it('AUTOMATE "Publish the API": GET /v3/portals lists the one portal, its id and domain to export', async () => {
    const response = await curl('GET', '/v3/portals', automateHeaders());
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ data: [{ id: expect.any(String), name: expect.any(String) }], meta: { page: { total: 1 } } });
    PORTAL_ID = response.json.data[0].id;
    // "export PORTAL_URL='YOUR-DEV-PORTAL-DOMAIN'": the portal listener's host, as the sidecar's settings name it.
    expect(response.json.data[0]).toMatchObject({ default_domain: new URL(TEST_PORTAL_URL).host, auto_approve_developers: false });
  });

  it('AUTOMATE: PUT /v3/apis/$API_ID/publications/$PORTAL_ID with a JSON type and no body publishes it (201)', async () => {
    const response = await curl('PUT', `/v3/apis/${API_ID}/publications/${PORTAL_ID}`, automateHeaders());
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({ api_id: API_ID, portal_id: PORTAL_ID, auth_strategy_ids: [] });
  });

  it('DCR: POST /v2/dcr-providers with the Okta body creates the provider (Konnect answers 201, the page says 200)', async () => {
    const response = await curl('POST', '/v2/dcr-providers', konnectHeaders(), {
      name: 'Okta',
      provider_type: 'okta',
      issuer: okta.issuer,
      dcr_config: { dcr_token: okta.apiToken },
    });
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({ id: expect.any(String), provider_type: 'okta', dcr_config: {} });
    expect(JSON.stringify(response.json)).not.toContain(okta.apiToken);
    DCR_PROVIDER = response.json.id;
  });

  it('DCR: POST /v2/application-auth-strategies with the guide\'s openid_connect body and dcr_provider_id', async () => {
    const response = await curl('POST', '/v2/application-auth-strategies', konnectHeaders(), {
      name: 'Okta',
      display_name: 'Okta',
      strategy_type: 'openid_connect',
      configs: {
        'openid-connect': {
          issuer: okta.issuer,
          credential_claim: ['client_id'],
          scopes: ['my-scope'],
          auth_methods: ['client_credentials', 'bearer'],
        },
      },
      dcr_provider_id: DCR_PROVIDER,
    });
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({ id: expect.any(String), strategy_type: 'openid_connect' });
    AUTH_STRATEGY_ID = response.json.id;
  });

  it('OIDC "Apply the auth strategy to an API": the PUT with auth_strategy_ids replaces the publication (200)', async () => {
    const response = await curl('PUT', `/v3/apis/${API_ID}/publications/${PORTAL_ID}`, konnectHeaders(), {
      auth_strategy_ids: [AUTH_STRATEGY_ID],
    });
    // Konnect's guide expects 201 because there the PUT is the first publication; it was published above.
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ api_id: API_ID, portal_id: PORTAL_ID, auth_strategy_ids: [AUTH_STRATEGY_ID] });
    const published = await curl('GET', `/v3/apis/${API_ID}/publications/${PORTAL_ID}`, konnectHeaders());
    expect(published).toMatchObject({ status: 200, json: { auth_strategy_ids: [AUTH_STRATEGY_ID] } });
  });

  it('REVIEW: a developer who signs up on the portal is pending until approved', async () => {
    const email = `raina-${process.pid}@example.com`;
    const signUp = await portal.inject({
      method: 'POST',
      url: '/api/v2/developer',
      payload: { email, full_name: 'Raina Sovani', password: 'correct horse battery staple' },
    });
    expect(signUp.statusCode).toBe(201);
    const found = await sidecar.store.developers.findWithPasswordByEmail(email);
    expect(found?.developer.status).toBe('pending');
    DEVELOPER_ID = found?.developer.id ?? '';
  });

  it('REVIEW: PATCH /v3/portals/$PORTAL_ID/developers/$DEVELOPER_ID {status: approved} answers 200 with the developer', async () => {
    const response = await curl('PATCH', `/v3/portals/${PORTAL_ID}/developers/${DEVELOPER_ID}`, konnectHeaders(), { status: 'approved' });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ id: DEVELOPER_ID, full_name: 'Raina Sovani', status: 'approved' });
    const audit = await curl('GET', `/v2/audit-events?filter[resource_id]=${DEVELOPER_ID}&filter[action]=developer.approved`, konnectHeaders());
    expect(audit.json.data).toEqual([
      expect.objectContaining({
        action: 'developer.approved',
        actor: expect.objectContaining({ type: 'admin' }),
        before: expect.objectContaining({ status: 'pending' }),
        after: expect.objectContaining({ status: 'approved', updated_at: response.json.updated_at }),
      }),
    ]);
  });

  it("REVIEW: the developer's application (a client registered at Okta) and its registration land as pending", async () => {
    const app = await dev.call({ method: 'POST', url: '/v2/applications', payload: { name: 'Example Air Integration', auth_strategy_id: AUTH_STRATEGY_ID } });
    expect(app.statusCode).toBe(201);
    APPLICATION_ID = app.json().id;
    expect((await okta.dcr.request('GET', `/${app.json().client_id}`)).status).toBe(200);
    const registration = await dev.call({ method: 'POST', url: `/v2/applications/${APPLICATION_ID}/registrations`, payload: { service: 'myApi' } });
    expect(registration.statusCode).toBe(201);
    expect(registration.json().status).toBe('pending');
    REGISTRATION_ID = registration.json().id;
  });

  it('REVIEW: GET /v3/portals/$PORTAL_ID/application-registrations?filter%5Bstatus%5D=pending lists it in Konnect\'s item shape', async () => {
    const response = await curl('GET', `/v3/portals/${PORTAL_ID}/application-registrations?filter%5Bstatus%5D=pending`, konnectHeaders());
    expect(response.status).toBe(200);
    expect(response.json.data).toEqual([
      {
        id: REGISTRATION_ID,
        status: 'pending',
        api: { id: API_ID, name: 'myApi' },
        application: { id: APPLICATION_ID, name: 'Example Air Integration' },
        created_at: expect.any(String),
        updated_at: expect.any(String),
      },
    ]);
    expect(response.json.meta.page.total).toBe(1);
  });

  it('REVIEW: PATCH .../applications/$APPLICATION_ID/registrations/$REGISTRATION_ID {status: approved} answers 200 with the item', async () => {
    const response = await curl(
      'PATCH',
      `/v3/portals/${PORTAL_ID}/applications/${APPLICATION_ID}/registrations/${REGISTRATION_ID}`,
      konnectHeaders(),
      { status: 'approved' },
    );
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ id: REGISTRATION_ID, status: 'approved', api: { id: API_ID, name: 'myApi' }, application: { id: APPLICATION_ID } });
    const pending = await curl('GET', `/v3/portals/${PORTAL_ID}/application-registrations?filter%5Bstatus%5D=pending`, konnectHeaders());
    expect(pending.json).toMatchObject({ data: [], meta: { page: { total: 0 } } });
    const applications = await curl('GET', `/v3/portals/${PORTAL_ID}/applications`, konnectHeaders());
    expect(applications.status).toBe(200);
    expect(applications.json.data).toEqual([expect.objectContaining({ id: APPLICATION_ID, auth_strategy: { id: AUTH_STRATEGY_ID, name: 'Okta' } })]);
  });

  it('answers the guides\' calls without the token with 401, and a guide call the sidecar lacks with 404', async () => {
    expect((await curl('GET', '/v3/portals', { Accept: 'application/json' })).status).toBe(401);
    const forms = await curl('POST', `/v3/portals/${PORTAL_ID}/forms`, konnectHeaders(), { type: 'api_registration' });
    expect(forms.status).toBe(404);
  });

  it('still answers 400 with a problem to a JSON type without a body where a body is required', async () => {
    const response = await fetch(`${API_HOST}/v3/apis`, { method: 'POST', headers: konnectHeaders() });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 400, detail: expect.any(String) });
  });
});
