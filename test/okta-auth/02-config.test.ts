import { ConfigError, normaliseConfig } from '../../plugins/okta-auth/config';

const issuer = 'https://acme.okta.com/oauth2/default';

describe('okta-auth config', () => {
  it('derives the key set and token endpoint from the issuer and applies the schema defaults', () => {
    const config = normaliseConfig({ issuer, route_id: 'r1', __seq__: 3, jwks_uri: null });
    expect(config).toMatchObject({
      issuer,
      jwksUri: `${issuer}/v1/keys`,
      tokenEndpoint: `${issuer}/v1/token`,
      audiences: ['api://default'],
      scopesRequired: [],
      tokenScopes: [],
      credentialClaims: ['client_id', 'cid'],
      leewaySeconds: 60,
      timeoutMs: 3000,
      tokenCacheTtlSeconds: 300,
      hideCredentials: true,
      realm: 'kong',
    });
    expect([...config.authMethods]).toEqual(['bearer', 'client_credentials']);
  });

  it('keeps explicitly configured endpoints', () => {
    const config = normaliseConfig({ issuer, jwks_uri: 'https://keys.example.com/jwks', token_endpoint: 'https://t.example.com/token' });
    expect(config.jwksUri).toBe('https://keys.example.com/jwks');
    expect(config.tokenEndpoint).toBe('https://t.example.com/token');
  });

  it('allows plain http on loopback only', () => {
    expect(normaliseConfig({ issuer: 'http://127.0.0.1:9000/oauth2/default' }).jwksUri).toBe(
      'http://127.0.0.1:9000/oauth2/default/v1/keys',
    );
    expect(normaliseConfig({ issuer: 'http://localhost:9000/oauth2/default' }).issuer).toBe(
      'http://localhost:9000/oauth2/default',
    );
    expect(() => normaliseConfig({ issuer: 'http://acme.okta.com/oauth2/default' })).toThrow(
      'okta-auth: invalid config.issuer: must be an https URL',
    );
    expect(() => normaliseConfig({ issuer, token_endpoint: 'http://10.0.0.1/token' })).toThrow('config.token_endpoint');
  });

  it('maps no application without a sidecar and learns whether Kong bound the instance to a service', () => {
    expect(normaliseConfig({ issuer }).sidecar).toBeUndefined();
    expect(normaliseConfig({ issuer }).boundToService).toBe(false);
    expect(normaliseConfig({ issuer, service_id: 's1' }).boundToService).toBe(true);
    expect(normaliseConfig({ issuer, route_id: 'r1' }).boundToService).toBe(true);
  });

  it('reads the sidecar settings with their defaults', () => {
    expect(normaliseConfig({ issuer, sidecar_url: 'http://127.0.0.1:8080/', sidecar_token: 't' }).sidecar).toEqual({
      url: 'http://127.0.0.1:8080',
      token: 't',
      cacheTtlSeconds: 5,
      staleTtlSeconds: 300,
    });
  });

  it.each([
    [{ issuer, sidecar_url: 'http://127.0.0.1:8080' }, 'config.sidecar_token: is required when sidecar_url is set'],
    [{ issuer, sidecar_url: null, sidecar_token: 't' }, 'config.sidecar_url: is required when sidecar_token is set'],
    [{ issuer, sidecar_url: 'http://sidecar:8080', sidecar_token: 't' }, 'config.sidecar_url: must be an https URL'],
    [{ issuer, sidecar_url: 'https://s', sidecar_token: 't', sidecar_cache_ttl: 0 }, 'config.sidecar_cache_ttl: must be between 1 and 300'],
    [{}, 'config.issuer: is required'],
    [{ issuer: 'not a url' }, 'config.issuer: is not a valid URL'],
    [{ issuer, audiences: 'api://default' }, 'config.audiences: must be an array'],
    [{ issuer, audiences: [] }, 'config.audiences: must name at least one audience'],
    [{ issuer, auth_methods: ['bearer', 'password'] }, 'config.auth_methods[1]: must be one of bearer, client_credentials'],
    [{ issuer, auth_methods: [] }, 'config.auth_methods: must name at least one method'],
    [{ issuer, credential_claim: [] }, 'config.credential_claim: must name at least one claim'],
    [{ issuer, leeway: 1.5 }, 'config.leeway: must be an integer'],
    [{ issuer, timeout_ms: 0 }, 'config.timeout_ms: must be between 100 and 30000'],
    [{ issuer, hide_credentials: 'yes' }, 'config.hide_credentials: must be a boolean'],
    [{ issuer, realm: 'a"b' }, 'config.realm: must be printable ASCII without quotes'],
  ])('refuses %j with a message naming the field', (raw, message) => {
    expect(() => normaliseConfig(raw)).toThrow(ConfigError);
    expect(() => normaliseConfig(raw)).toThrow(message);
  });
});
