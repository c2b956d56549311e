/**
 * Key rotation and IdP outages, as Kong runs the plugin. Each scenario gets its own local Okta-compatible server:
 * its own issuer, hence its own key cache in the plugin server, so one scenario's refetch cooldown cannot hide
 * another's.
 */
import { KongPluginServerClient, type AccessOutcome, type KongPlugin } from '../../devstack/kong-rpc';
import { startOktaEmulator, type OktaClient, type OktaEmulatorFixture } from '../support/okta-emulator';
import { connectPluginServer, type ConnectedPluginServer } from '../support/okta-auth-stack';
import { basic } from '../support/tokens';

let connected: ConnectedPluginServer;
let kong: KongPluginServerClient;
const emulators: OktaEmulatorFixture[] = [];

interface Scenario {
  okta: OktaEmulatorFixture;
  plugin: KongPlugin;
  client: OktaClient;
  tokenRequest(): Promise<AccessOutcome>;
}

async function scenario(): Promise<Scenario> {
  const okta = await startOktaEmulator();
  emulators.push(okta);
  const plugin = kong.plugin('okta-auth', { issuer: okta.issuer });
  const client = await okta.dcr.createClient();
  const tokenRequest = async () => {
    const token = await okta.token(client.client_id, client.client_secret as string);
    return plugin.access({ headers: { authorization: `Bearer ${token}` } });
  };
  return { okta, plugin, client, tokenRequest };
}

async function eventually(attempt: () => Promise<boolean>, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (await attempt()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

beforeAll(async () => {
  connected = await connectPluginServer();
  kong = connected.kong;
});

afterAll(async () => {
  await connected?.stop();
  await Promise.all(emulators.map((okta) => okta.stop()));
});

describe('key rotation', () => {
  it('accepts tokens of a scheduled rotation (NEXT published, then promoted) without a restart', async () => {
    const { okta, tokenRequest } = await scenario();
    expect((await tokenRequest()).proxied).toBe(true);
    const next = await okta.control.nextKey();
    await okta.control.promoteKey();
    const active = (await okta.control.keys()).keys.find((k) => k.status === 'ACTIVE');
    expect(active?.kid).toBe(next.keys.find((k) => k.status === 'NEXT')?.kid);
    expect((await tokenRequest()).proxied).toBe(true);
    // Tokens of the old key are still valid while it stays published as EXPIRED.
    const { token } = await okta.control.sign({}, {}, 'EXPIRED');
    expect((await okta.control.keys()).keys.map((k) => k.status).sort()).toEqual(['ACTIVE', 'EXPIRED']);
    expect((await scenarioPluginAccess(okta, token)).proxied).toBe(true);
  });

  it('accepts tokens of an emergency rotation to a never-published key without a restart', async () => {
    const { okta, tokenRequest } = await scenario();
    expect((await tokenRequest()).proxied).toBe(true);
    await okta.control.resetStats();
    await okta.control.emergencyRotate();
    expect((await tokenRequest()).proxied).toBe(true);
    expect((await okta.control.stats()).keys).toBe(1);
  });

  it('trusts a key rotated in within 30 s even right after another unknown-kid refetch', async () => {
    const { okta, tokenRequest } = await scenario();
    expect((await tokenRequest()).proxied).toBe(true);
    await okta.control.emergencyRotate();
    expect((await tokenRequest()).proxied).toBe(true);
    await okta.control.emergencyRotate();
    // Within the refetch cooldown: refused at first, trusted once the cooldown allows the next refetch.
    expect((await tokenRequest()).exit?.status).toBe(401);
    expect(await eventually(async () => (await tokenRequest()).proxied, 30_000)).toBe(true);
  });
});

describe('unknown kid', () => {
  it('refuses tokens with made-up kids and refetches the keys at most once for a flood of them', async () => {
    const { okta, tokenRequest, plugin } = await scenario();
    expect((await tokenRequest()).proxied).toBe(true);
    await okta.control.resetStats();
    const outcomes: AccessOutcome[] = [];
    for (let i = 0; i < 100; i++) {
      const { token } = await okta.control.sign({}, { kid: `made-up-${i}` });
      outcomes.push(await plugin.access({ headers: { authorization: `Bearer ${token}` } }));
    }
    expect(outcomes.every((o) => o.exit?.status === 401)).toBe(true);
    expect(outcomes.every((o) => /error_description="unknown signing key"/.test(String(o.exit?.headers['www-authenticate'])))).toBe(true);
    expect((await okta.control.stats()).keys).toBeLessThanOrEqual(1);
  });

  it('never fetches keys for a token of another issuer, audience or an expired one', async () => {
    const { okta, plugin } = await scenario();
    await okta.control.resetStats();
    const now = Math.floor(Date.now() / 1000);
    for (const claims of [{ iss: 'https://evil.example.com' }, { aud: 'api://elsewhere' }, { iat: now - 7200, exp: now - 3600 }]) {
      const { token } = await okta.control.sign(claims, { kid: 'made-up' });
      expect((await plugin.access({ headers: { authorization: `Bearer ${token}` } })).exit?.status).toBe(401);
    }
    expect((await okta.control.stats()).keys).toBe(0);
  });
});

describe('identity provider down', () => {
  it('keeps accepting tokens with cached keys and cached Basic tokens, and answers 503 for new credentials', async () => {
    const { okta, plugin, client } = await scenario();
    const token = await okta.token(client.client_id, client.client_secret as string);
    const cachedBasic = basic(client.client_id, client.client_secret as string);
    expect((await plugin.access({ headers: { authorization: `Bearer ${token}` } })).proxied).toBe(true);
    expect((await plugin.access({ headers: { authorization: cachedBasic } })).proxied).toBe(true);
    const newcomer = await okta.dcr.createClient();

    await okta.control.down();
    try {
      expect((await plugin.access({ headers: { authorization: `Bearer ${token}` } })).proxied).toBe(true);
      expect((await plugin.access({ headers: { authorization: cachedBasic } })).proxied).toBe(true);
      const refused = await plugin.access({
        headers: { authorization: basic(newcomer.client_id, newcomer.client_secret as string) },
      });
      expect(refused.exit?.status).toBe(503);
      expect(refused.exit?.body).toEqual({ message: 'Identity provider unavailable' });
      const { token: unknownKid } = await okta.control.sign({}, { kid: 'rotated-while-down' });
      expect((await plugin.access({ headers: { authorization: `Bearer ${unknownKid}` } })).exit?.status).toBe(503);
    } finally {
      await okta.control.up();
    }
    const newcomerAuth = basic(newcomer.client_id, newcomer.client_secret as string);
    expect((await plugin.access({ headers: { authorization: newcomerAuth } })).proxied).toBe(true);
  });

  it('answers 503 when the keys were never fetched and the IdP is down', async () => {
    const { okta, plugin } = await scenario();
    const { token } = await okta.control.sign();
    await okta.control.down();
    try {
      const outcome = await plugin.access({ headers: { authorization: `Bearer ${token}` } });
      expect(outcome.exit?.status).toBe(503);
    } finally {
      await okta.control.up();
    }
  });
});

async function scenarioPluginAccess(okta: OktaEmulatorFixture, token: string): Promise<AccessOutcome> {
  return kong.plugin('okta-auth', { issuer: okta.issuer }).access({ headers: { authorization: `Bearer ${token}` } });
}
