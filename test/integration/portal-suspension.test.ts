import { type HttpDcrBridge, startHttpDcrBridge } from '../support/http-dcr-bridge';
import { type TestPortal, startTestPortal } from '../support/portal-app';
import { setStatus, signedIn } from '../support/portal-journey';
import { testDatabases } from '../support/sidecar-databases';
import { selfManagedStrategy } from '../support/sidecar-fixtures';

describe.each(testDatabases)('suspension seen by the gateway lookup on %s', (_name, createDatabase) => {
  let t: TestPortal;
  let bridge: HttpDcrBridge;
  beforeAll(async () => {
    bridge = await startHttpDcrBridge('bridge_key_for_suspension_test');
    t = await startTestPortal(createDatabase);
  });
  afterAll(async () => {
    await t?.close();
    await bridge?.stop();
  });

  it('returns 200 with developer.status revoked for a suspended developer\'s application, approved again once reinstated', async () => {
    const provider = (
      await t.sidecar.admin({
        method: 'POST',
        url: '/v2/dcr-providers',
        payload: { name: 'bridge', provider_type: 'http', issuer: 'https://idp.example.com', dcr_config: { dcr_base_url: bridge.url, api_key: 'bridge_key_for_suspension_test' } },
      })
    ).json();
    const strategyId = await selfManagedStrategy(t.sidecar, 'https://idp.example.com', { providerId: provider.id });
    const { id, cookie } = await signedIn(t);
    const { token } = (await t.call({ method: 'POST', url: '/api/v2/developer/me/token', headers: { cookie } })).json();
    const application = await t.sidecar.app.inject({
      method: 'POST',
      url: '/v2/applications',
      headers: { authorization: `Bearer ${token}` },
      payload: { name: 'suspended app', auth_strategy_id: strategyId },
    });
    expect(application.statusCode).toBe(201);
    const lookup = () =>
      t.sidecar.app.inject({
        url: `/v2/internal/applications/by-client-id/${application.json().client_id}`,
        headers: { authorization: `Bearer ${t.sidecar.gatewayToken}` },
      });
    expect((await lookup()).json().developer).toEqual({ id, email: expect.any(String), status: 'approved' });
    await setStatus(t, id, 'revoked');
    const suspended = await lookup();
    expect(suspended.statusCode).toBe(200);
    expect(suspended.json().developer.status).toBe('revoked');
    await setStatus(t, id, 'approved');
    expect((await lookup()).json().developer.status).toBe('approved');
  });
});
