import path = require('node:path');
import { loadStackSettings, SettingsError } from '../../devstack/stack/settings';
import { DEFAULTS } from '../../sidecar/defaults';

const ROOT = '/repo';

describe('loadStackSettings', () => {
  it.each([{}, { SIDECAR_DATA_DIR: '', GATEWAY_PORT: '' }])("uses the issue's ports, the repository's data directory and kong.yml with %j", (env) => {
    expect(loadStackSettings(env, ROOT)).toEqual({
      host: '127.0.0.1',
      dataDir: path.join(ROOT, 'data'),
      ports: { okta: 9000, sidecar: 8080, portal: 8081, gateway: 8000, demoUpstream: 9100 },
      declarativeConfigPath: path.join(ROOT, 'kong.yml'),
      localJourneyAccounts: { PORTAL_AUTO_APPROVE_DEVELOPERS: 'true', PORTAL_REQUIRE_EMAIL_VERIFICATION: 'false' },
    });
  });

  it.each([
    [{ PORTAL_AUTO_APPROVE_DEVELOPERS: 'false' }, { PORTAL_REQUIRE_EMAIL_VERIFICATION: 'false' }],
    [{ PORTAL_REQUIRE_EMAIL_VERIFICATION: 'true', PORTAL_AUTO_APPROVE_DEVELOPERS: '' }, { PORTAL_AUTO_APPROVE_DEVELOPERS: 'true' }],
    [{ PORTAL_AUTO_APPROVE_DEVELOPERS: 'false', PORTAL_REQUIRE_EMAIL_VERIFICATION: 'true' }, {}],
  ])("with %j, sets what it leaves unset of the local journey's account settings: %j", (env, local) => {
    expect(loadStackSettings(env, ROOT).localJourneyAccounts).toEqual(local);
  });

  it("keeps the sidecar's own account defaults the safe ones: pending until approved, the email verified", () => {
    expect(DEFAULTS.accounts).toMatchObject({ autoApproveDevelopers: false, requireEmailVerification: true });
  });

  it('takes ports, the data directory and a real Okta org from the environment', () => {
    const settings = loadStackSettings(
      {
        GATEWAY_PORT: '18000',
        PORTAL_PORT: '18081',
        DEMO_UPSTREAM_PORT: '19100',
        SIDECAR_DATA_DIR: 'relative/data',
        OKTA_ISSUER: 'https://acme.okta.com/oauth2/default',
        OKTA_API_TOKEN: '00token',
      },
      ROOT,
    );

    expect(settings.ports).toMatchObject({ gateway: 18000, portal: 18081, demoUpstream: 19100 });
    expect(settings.dataDir).toBe(path.resolve('relative/data'));
    expect(settings.realOkta).toEqual({ issuer: 'https://acme.okta.com/oauth2/default', apiToken: '00token' });
  });

  it.each([
    [{ GATEWAY_PORT: '0' }, 'GATEWAY_PORT must be a port number from 1 to 65535, got "0"'],
    [{ SIDECAR_PORT: '8080x' }, 'SIDECAR_PORT must be a port number'],
    [{ PORTAL_PORT: '0' }, 'PORTAL_PORT must be a port number'],
    [{ OKTA_EMULATOR_PORT: '65536' }, 'OKTA_EMULATOR_PORT must be a port number'],
    [{ OKTA_API_TOKEN: '00token' }, 'set both OKTA_ISSUER and OKTA_API_TOKEN'],
    [{ OKTA_ISSUER: 'https://acme.okta.com', OKTA_API_TOKEN: '00token' }, 'OKTA_ISSUER must be a custom authorization server'],
    [{ OKTA_ISSUER: 'http://acme.okta.com/oauth2/default', OKTA_API_TOKEN: '00token' }, 'OKTA_ISSUER must be a custom authorization server'],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => loadStackSettings(env, ROOT)).toThrow(SettingsError);
    expect(() => loadStackSettings(env, ROOT)).toThrow(message);
  });
});
