import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '../../sidecar/config';

describe('sidecar configuration', () => {
  const valid = {
    SIDECAR_ADMIN_TOKEN: 'a'.repeat(40),
    SIDECAR_GATEWAY_TOKEN: 'g'.repeat(40),
    SIDECAR_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  };
  const failure = (env: NodeJS.ProcessEnv) => {
    try {
      loadConfig(env);
    } catch (error) {
      return error as ConfigError;
    }
    throw new Error('expected a ConfigError');
  };

  it('returns the defaults: port 8080, ./data, SQLite', () => {
    const config = loadConfig(valid);
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      databaseUrl: undefined,
      previousEncryptionKeys: [],
      idpTimeoutMs: 10_000,
      creationLimitPerHour: 20,
      clientNamePrefix: 'kong-dcr-',
    });
    expect(config.dataDir).toBe(`${process.cwd()}/data`);
    expect(config.encryptionKey).toHaveLength(32);
  });

  it.each(['SIDECAR_ADMIN_TOKEN', 'SIDECAR_GATEWAY_TOKEN', 'SIDECAR_ENCRYPTION_KEY'])('refuses to start without %s, naming it', (name) => {
    const error = failure({ ...valid, [name]: '' });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(`${name} is required`);
  });

  it('refuses an encryption key that is not 32 bytes of base64, without echoing it', () => {
    const key = randomBytes(16).toString('base64');
    const error = failure({ ...valid, SIDECAR_ENCRYPTION_KEY: key });
    expect(error.variable).toBe('SIDECAR_ENCRYPTION_KEY');
    expect(error.message).not.toContain(key);
  });

  it('refuses a short admin token', () => {
    expect(failure({ ...valid, SIDECAR_ADMIN_TOKEN: 'short' }).variable).toBe('SIDECAR_ADMIN_TOKEN');
  });

  it('refuses a DATABASE_URL that is not postgres and a bad port', () => {
    expect(failure({ ...valid, DATABASE_URL: 'mysql://x' }).variable).toBe('DATABASE_URL');
    expect(failure({ ...valid, SIDECAR_PORT: '70000' }).variable).toBe('SIDECAR_PORT');
    expect(failure({ ...valid, SIDECAR_IDP_TIMEOUT_MS: 'soon' }).variable).toBe('SIDECAR_IDP_TIMEOUT_MS');
    expect(failure({ ...valid, SIDECAR_CLIENT_NAME_PREFIX: 'a*' }).variable).toBe('SIDECAR_CLIENT_NAME_PREFIX');
  });

  it('reads the declarative file of Kong as an absolute path, and leaves it unset by default', () => {
    expect(loadConfig(valid).kongDeclarativeConfig).toBeUndefined();
    expect(loadConfig({ ...valid, SIDECAR_KONG_DECLARATIVE_CONFIG: 'kong.yml' }).kongDeclarativeConfig).toBe(`${process.cwd()}/kong.yml`);
  });

  it('reads previous encryption keys for a rotation', () => {
    const previous = [randomBytes(32).toString('base64'), randomBytes(32).toString('base64')];
    const config = loadConfig({ ...valid, SIDECAR_PREVIOUS_ENCRYPTION_KEYS: previous.join(',') });
    expect(config.previousEncryptionKeys.map((k) => k.toString('base64'))).toEqual(previous);
  });

  it('returns the portal defaults: port 8081, the safe account settings, mails as files', () => {
    const config = loadConfig(valid);
    expect(config).toMatchObject({
      portalPort: 8081,
      portalHost: '127.0.0.1',
      portalAllowedOrigins: [],
      trustedProxies: [],
      smtpUrl: undefined,
      accounts: {
        portalUrl: 'http://127.0.0.1:8081',
        autoApproveDevelopers: false,
        requireEmailVerification: true,
        session: { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 },
        signIn: { maxFailuresPerEmail: 5, windowMs: 15 * 60_000 },
      },
    });
  });

  it('reads the portal settings', () => {
    const config = loadConfig({
      ...valid,
      PORTAL_PORT: '9081',
      PORTAL_PUBLIC_URL: 'https://portal.example.com/',
      PORTAL_ALLOWED_ORIGINS: 'https://ui.example.com, http://localhost:5173',
      PORTAL_GATEWAY_URL: 'https://api.example.com/',
      PORTAL_AUTO_APPROVE_DEVELOPERS: 'true',
      PORTAL_REQUIRE_EMAIL_VERIFICATION: 'false',
      PORTAL_SESSION_IDLE_MINUTES: '10',
      SIDECAR_TRUSTED_PROXIES: '10.0.0.1, 192.168.0.0/16',
      SMTP_URL: 'smtp://mail.example.com:587',
    });
    expect(config).toMatchObject({
      portalPort: 9081,
      portalAllowedOrigins: ['https://ui.example.com', 'http://localhost:5173'],
      portalGatewayUrl: 'https://api.example.com',
      trustedProxies: ['10.0.0.1', '192.168.0.0/16'],
      smtpUrl: 'smtp://mail.example.com:587',
      accounts: { portalUrl: 'https://portal.example.com', autoApproveDevelopers: true, requireEmailVerification: false, session: { idleMs: 600_000 } },
    });
  });

  it.each([
    ['PORTAL_AUTO_APPROVE_DEVELOPERS', 'yes'],
    ['PORTAL_REQUIRE_EMAIL_VERIFICATION', '0'],
    ['SIDECAR_TRUSTED_PROXIES', '10.0.0.1/8/2'],
    ['SIDECAR_TRUSTED_PROXIES', 'proxy.example.com'],
    ['PORTAL_ALLOWED_ORIGINS', 'not a url'],
    ['PORTAL_PUBLIC_URL', 'ftp://portal.example.com'],
    ['PORTAL_GATEWAY_URL', 'gateway:8000'],
    ['SMTP_URL', 'http://mail.example.com'],
  ])('refuses to start with %s=%s, naming it', (name, value) => {
    expect(failure({ ...valid, [name]: value }).variable).toBe(name);
  });
});
