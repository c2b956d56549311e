/**
 * Key rotation as Okta does it, under continuous traffic, as Kong runs the plugin (the real plugin server over
 * Kong's protocol, the local Okta-compatible server with a JWKS max-age of 60 s, the shortest the plugin honours).
 * A scheduled rotation publishes NEXT at least one max-age before promoting it: no valid request may fail. An
 * emergency rotation (a never-published key signs at once) may fail requests only within the unknown-kid refetch
 * cooldown; they are counted and printed. A removed key's tokens are refused after the next refresh.
 */
import { KongPluginServerClient, type KongPlugin } from '../../devstack/kong-rpc';
import { startOktaEmulator, type OktaClient, type OktaEmulatorFixture } from '../support/okta-emulator';
import { startPluginServer, type RunningPluginServer } from '../support/plugin-server';

const MAX_AGE_SECONDS = 60;
const REFETCH_COOLDOWN_MS = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

let okta: OktaEmulatorFixture;
let server: RunningPluginServer;
let kong: KongPluginServerClient;
let plugin: KongPlugin;
let client: OktaClient;

interface Sample {
  at: number;
  proxied: boolean;
}

/** Valid requests, two in flight, each with a token Okta issued at most 200 ms before, until `stop()`. */
function traffic() {
  const samples: Sample[] = [];
  let running = true;
  let token: string | undefined;
  const refresher = (async () => {
    while (running) {
      token = await okta.token(client.client_id, client.client_secret as string);
      await sleep(200);
    }
  })();
  const senders = Array.from({ length: 2 }, async () => {
    while (running) {
      if (token === undefined) {
        await sleep(20);
        continue;
      }
      const outcome = await plugin.access(bearer(token));
      samples.push({ at: Date.now(), proxied: outcome.proxied });
      await sleep(10);
    }
  });
  return {
    samples,
    stop: async () => {
      running = false;
      await Promise.all([refresher, ...senders]);
    },
  };
}

beforeAll(async () => {
  okta = await startOktaEmulator({ jwksMaxAgeSeconds: MAX_AGE_SECONDS });
  server = await startPluginServer();
  kong = await KongPluginServerClient.connect({ socketPath: server.socketPath });
  plugin = kong.plugin('okta-auth', { issuer: okta.issuer });
  client = await okta.dcr.createClient();
});

afterAll(async () => {
  kong?.close();
  await server?.stop();
  await okta?.stop();
});

it('serves continuous traffic through a scheduled rotation without a failure, then an emergency one within the cooldown, and refuses a removed key', async () => {
  const load = traffic();
  try {
    await sleep(1_000);
    const published = await okta.control.nextKey();
    const nextKid = published.keys.find((key) => key.status === 'NEXT')?.kid;
    // Okta publishes NEXT well before promoting it: at least one max-age.
    await sleep(MAX_AGE_SECONDS * 1000 + 2_000);
    await okta.control.promoteKey();
    expect((await okta.control.keys()).keys.find((key) => key.status === 'ACTIVE')?.kid).toBe(nextKid);
    await sleep(2_000);
    const scheduledFailures = load.samples.filter((sample) => !sample.proxied).length;
    expect(load.samples.length).toBeGreaterThan(500);
    expect(scheduledFailures).toBe(0);

    // The key that signed before the promotion is EXPIRED but published: its tokens pass, until it is removed.
    const { token: oldKeyToken, header } = await okta.control.sign({}, {}, 'EXPIRED');
    expect((await plugin.access(bearer(oldKeyToken))).proxied).toBe(true);
    await okta.control.removeKey(header.kid as string);

    const emergencyAt = Date.now();
    await okta.control.emergencyRotate();
    await sleep(REFETCH_COOLDOWN_MS + 2_000);
    const afterEmergency = load.samples.filter((sample) => sample.at >= emergencyAt);
    const emergencyFailures = afterEmergency.filter((sample) => !sample.proxied);
    process.stdout.write(
      `key rotation under traffic: ${load.samples.length} requests; scheduled rotation failures: ${scheduledFailures}; ` +
        `emergency rotation failures: ${emergencyFailures.length} of ${afterEmergency.length}\n`,
    );
    expect(emergencyFailures.every((sample) => sample.at - emergencyAt <= REFETCH_COOLDOWN_MS + 1_000)).toBe(true);
    expect(afterEmergency.slice(-20).every((sample) => sample.proxied)).toBe(true);
    // The emergency key's first token made the plugin refetch the key set, which no longer holds the removed key.
    expect((await plugin.access(bearer(oldKeyToken))).exit?.status).toBe(401);
  } finally {
    await load.stop();
  }
}, 150_000);
