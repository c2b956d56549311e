import { applySchema, type SchemaFields } from '../../devstack/gateway/plugin-schema';

// The shape of okta-auth's schema as the plugin server reports it (GetPluginInfo), cut to one field per rule.
const FIELDS: SchemaFields = [
  { issuer: { type: 'string', required: true, referenceable: true } },
  { leeway: { type: 'integer', default: 60, between: [0, 600] } },
  { hide_credentials: { type: 'boolean', default: true } },
  { auth_methods: { type: 'array', elements: { type: 'string', one_of: ['bearer', 'client_credentials'] }, default: ['bearer'] } },
  { realm: { type: 'string', default: 'kong' } },
  { limits: { type: 'record', fields: [{ per_minute: { type: 'number', len_min: 0 } }] } },
];
const ENV = { OKTA_ISSUER: 'https://acme.okta.com/oauth2/default' };

const apply = (config: Record<string, unknown>) => applySchema('config', FIELDS, config, ENV);

describe('applySchema', () => {
  it('fills defaults, resolves env vault references and keeps valid values', () => {
    expect(apply({ issuer: '{vault://env/okta-issuer}', leeway: 0, limits: { per_minute: 1.5 } })).toEqual({
      issuer: 'https://acme.okta.com/oauth2/default',
      leeway: 0,
      hide_credentials: true,
      auth_methods: ['bearer'],
      realm: 'kong',
      limits: { per_minute: 1.5 },
    });
  });

  it.each([
    [{ leeway: '60' }, 'config.leeway: expected an integer'],
    [{ leeway: 1.5 }, 'config.leeway: expected an integer'],
    [{ leeway: 601 }, 'config.leeway: value should be between 0 and 600'],
    [{ hide_credentials: 'yes' }, 'config.hide_credentials: expected a boolean'],
    [{ auth_methods: 'bearer' }, 'config.auth_methods: expected an array'],
    [{ auth_methods: ['bearer', 'password'] }, 'config.auth_methods[1]: expected one of: bearer, client_credentials'],
    [{ realm: '' }, 'config.realm: length must be at least 1'],
    [{ realm: 7 }, 'config.realm: expected a string'],
    [{ limits: [] }, 'config.limits: expected a record'],
    [{ limits: { per_minute: 'many' } }, 'config.limits.per_minute: expected a number'],
  ])('refuses %j the way Kong does, naming the field', (given, message) => {
    expect(() => apply({ issuer: 'https://acme.okta.com/oauth2/default', ...given })).toThrow(message);
  });

  it('refuses a reference to an unset variable and a reference in a field that is not referenceable', () => {
    expect(() => applySchema('config', FIELDS, { issuer: '{vault://env/okta-issuer}' }, { OKTA_ISSUER: '' })).toThrow(
      'config.issuer: {vault://env/okta-issuer} needs the environment variable OKTA_ISSUER, which is not set',
    );
    expect(() => apply({ issuer: 'https://acme.okta.com/oauth2/default', realm: '{vault://env/okta-issuer}' })).toThrow(
      'config.realm: is not referenceable',
    );
  });
});
