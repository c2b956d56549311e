import { applySchema as gatewayApplySchema } from '../../devstack/gateway/plugin-schema';
import { normaliseConfig } from '../../plugins/okta-auth/config';
import { Schema } from '../../plugins/okta-auth/schema';

const issuer = 'https://acme.okta.com/oauth2/default';

describe("Kong's schema rules, one module for okta-auth and the dev gateway", () => {
  it.each([
    [{ leeway: 1.5 }, 'leeway'],
    [{ leeway: 601 }, 'leeway'],
    [{ realm: '' }, 'realm'],
    [{ audiences: 'api://default' }, 'audiences'],
    [{ auth_methods: ['bearer', 'password'] }, 'auth_methods[1]'],
    [{ hide_credentials: 'yes' }, 'hide_credentials'],
    [{ issuer: undefined }, 'issuer'],
  ])('refuses %j in both, naming the same field', (given, field) => {
    const config = { issuer, ...given };
    expect(() => normaliseConfig(config)).toThrow(`config.${field}: `);
    expect(() => gatewayApplySchema('config', Schema, config, {})).toThrow(`config.${field}: `);
  });

  it('fills the same defaults in both', () => {
    const filled = gatewayApplySchema('config', Schema, { issuer }, {});
    const normalised = normaliseConfig(filled);
    expect(normaliseConfig({ issuer })).toEqual(normalised);
  });
});
