import path = require('node:path');
import { loadStackSettings, SettingsError } from '../../devstack/stack/settings';

const ROOT = '/repo';

describe('loadStackSettings', () => {
  it.each([{}, { SIDECAR_DATA_DIR: '', GATEWAY_PORT: '' }])("uses the issue's ports, the repository's data directory and kong.yml with %j", (env) => {
    expect(loadStackSettings(env, ROOT)).toEqual({
      host: '127.0.0.1',
      dataDir: path.join(ROOT, 'data'),
      ports: { okta: 9000, sidecar: 8080, gateway: 8000, demoUpstream: 9100 },
      declarativeConfigPath: path.join(ROOT, 'kong.yml'),
    });
  });

  it('takes ports, the data directory and a real Okta org from the environment', () => {
    const settings = loadStackSettings(
      {
        GATEWAY_PORT: '18000',
        DEMO_UPSTREAM_PORT: '19100',
        SIDECAR_DATA_DIR: 'relative/data',
        OKTA_ISSUER: 'https://acme.okta.com/oauth2/default',
        OKTA_API_TOKEN: '00token',
      },
      ROOT,
    );

    expect(settings.ports).toMatchObject({ gateway: 18000, demoUpstream: 19100 });
    expect(settings.dataDir).toBe(path.resolve('relative/data'));
    expect(settings.realOkta).toEqual({ issuer: 'https://acme.okta.com/oauth2/default', apiToken: '00token' });
  });

  it.each([
    [{ GATEWAY_PORT: '0' }, 'GATEWAY_PORT must be a port number from 1 to 65535, got "0"'],
    [{ SIDECAR_PORT: '8080x' }, 'SIDECAR_PORT must be a port number'],
    [{ OKTA_EMULATOR_PORT: '65536' }, 'OKTA_EMULATOR_PORT must be a port number'],
    [{ OKTA_API_TOKEN: '00token' }, 'set both OKTA_ISSUER and OKTA_API_TOKEN'],
    [{ OKTA_ISSUER: 'https://acme.okta.com', OKTA_API_TOKEN: '00token' }, 'OKTA_ISSUER must be a custom authorization server'],
    [{ OKTA_ISSUER: 'http://acme.okta.com/oauth2/default', OKTA_API_TOKEN: '00token' }, 'OKTA_ISSUER must be a custom authorization server'],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => loadStackSettings(env, ROOT)).toThrow(SettingsError);
    expect(() => loadStackSettings(env, ROOT)).toThrow(message);
  });
});
