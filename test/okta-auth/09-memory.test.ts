/**
 * A flood of rejected requests through the real okta-auth plugin in our start command: kong-pdk 0.6.0 would keep
 * every one of those events forever; ours forgets them, and the plugin's own caches stay bounded.
 */
import { KongPluginServerClient, type KongPlugin } from '../../devstack/kong-rpc';
import { startOktaAuthStack, type OktaAuthStack } from '../support/okta-auth-stack';
import type { OktaEmulatorFixture } from '../support/okta-emulator';

const REJECTED_REQUESTS = 50_000;
/**
 * V8 collects lazily: garbage alone grows the heap by tens of MiB over such a flood, so RSS says little. With
 * --expose-gc the server's diagnostic RPC collects before it measures: HeapUsed is then what is really kept.
 */
const MAX_RETAINED_GROWTH_MIB = 4;
const IN_FLIGHT = 32;

let harness: OktaAuthStack;
let okta: OktaEmulatorFixture;
let kong: KongPluginServerClient;

/** Sends `count` requests, `IN_FLIGHT` at a time, cycling through `authorizations`; each must be refused. */
async function flood(plugin: KongPlugin, count: number, authorizations: Array<string | undefined>): Promise<void> {
  let sent = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (sent < count) {
        const authorization = authorizations[sent % authorizations.length];
        sent += 1;
        const outcome = await plugin.access({ headers: authorization ? { authorization } : {} });
        if (outcome.proxied || (outcome.exit?.status ?? 0) < 400) throw new Error(`not refused: ${JSON.stringify(outcome)}`);
      }
    }),
  );
}

beforeAll(async () => {
  harness = await startOktaAuthStack({ pluginServer: { env: { NODE_OPTIONS: '--expose-gc' } } });
  ({ okta, kong } = harness);
});

afterAll(() => harness?.stop());

it('keeps the plugin server memory flat across 50,000 rejected requests', async () => {
  const plugin = kong.plugin('okta-auth', { issuer: okta.issuer });
  const now = Math.floor(Date.now() / 1000);
  const expired = (await okta.control.sign({ iat: now - 7200, exp: now - 3600 })).token;
  const foreign = (await okta.control.sign({ iss: 'https://evil.example.com/oauth2/default' })).token;
  const authorizations = [undefined, `Bearer ${expired}`, `Bearer ${foreign}`, 'Bearer not.a.jwt', 'Digest x'];

  const stats = async () => (await kong.call('plugin.ServerStats', null)) as { Events: number; HeapUsed: number };
  await flood(plugin, 5_000, authorizations); // warm-up: code compiled, caches at their working size
  const before = await stats();

  await flood(plugin, REJECTED_REQUESTS, authorizations);

  const after = await stats();
  expect(after.Events).toBe(0);
  expect((after.HeapUsed - before.HeapUsed) / 1024 / 1024).toBeLessThan(MAX_RETAINED_GROWTH_MIB);
  // 50,000 round trips take ~40 s on a quiet 2-core machine; jest's default 60 s is too close on a busy one.
}, 180_000);
