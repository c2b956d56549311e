/**
 * The plugin's key set cache against the local Okta-compatible server, with the clock moved forward instead of
 * waited for (only Date is faked; network timers are real).
 */
import { AuthFailure } from '../../plugins/okta-auth/errors';
import { MAX_TTL_MS, RemoteKeySet } from '../../plugins/okta-auth/jwks';
import { startOktaEmulator, type OktaEmulatorFixture } from '../support/okta-emulator';

const TIMEOUT_MS = 2000;
let okta: OktaEmulatorFixture;

function advance(ms: number): void {
  jest.setSystemTime(Date.now() + ms);
}

/** Background refreshes are not awaited by get(): poll until `check` holds (bounded). */
async function settle(check: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    if (await check()) return true;
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => process.nextTick(resolve));
    await okta.control.keys();
  }
  return false;
}

async function kidOf(status: 'ACTIVE' | 'NEXT' | 'EXPIRED'): Promise<string> {
  const key = (await okta.control.keys()).keys.find((k) => k.status === status);
  if (!key) throw new Error(`no ${status} key`);
  return key.kid;
}

/** Publishes a NEXT key, has `keySet` cache it, then removes it from the JWKS: a key the cache must stop trusting. */
async function cachedThenRemovedKey(server: OktaEmulatorFixture, keySet: RemoteKeySet): Promise<string> {
  const next = (await server.control.nextKey()).keys.find((k) => k.status === 'NEXT')?.kid as string;
  expect(await keySet.get(next, TIMEOUT_MS)).toBeDefined();
  await server.control.removeKey(next);
  return next;
}

beforeAll(async () => {
  okta = await startOktaEmulator({ jwksMaxAgeSeconds: 60 });
});

afterAll(async () => {
  await okta?.stop();
});

beforeEach(() => {
  jest.useFakeTimers({
    now: Date.now(),
    doNotFake: [
      'hrtime', 'nextTick', 'performance', 'queueMicrotask', 'requestAnimationFrame', 'cancelAnimationFrame',
      'requestIdleCallback', 'cancelIdleCallback', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval',
      'setTimeout', 'clearTimeout',
    ],
  });
});

afterEach(async () => {
  jest.useRealTimers();
  await okta.control.up();
});

describe('the key set cache', () => {
  it('stops trusting a key removed from the JWKS once the cached set is refreshed, and not before', async () => {
    const keySet = new RemoteKeySet(okta.jwksUri);
    const next = await cachedThenRemovedKey(okta, keySet);
    advance(30_000);
    expect(await keySet.get(next, TIMEOUT_MS)).toBeDefined();
    // Past 3/4 of max-age=60: the next lookup refreshes in the background.
    advance(20_000);
    await keySet.get(next, TIMEOUT_MS);
    expect(await settle(async () => (await keySet.get(next, TIMEOUT_MS)) === undefined)).toBe(true);
  });

  it('stops trusting a removed key at the first lookup after the cached set expired unseen', async () => {
    const keySet = new RemoteKeySet(okta.jwksUri);
    const next = await cachedThenRemovedKey(okta, keySet);
    // No lookup during the key set's 60 s life, so no background refresh replaced it.
    advance(2 * 60_000);
    expect(await keySet.get(next, TIMEOUT_MS)).toBeUndefined();
  });

  it('keeps the cached keys working while the IdP is down, long past their freshness', async () => {
    const keySet = new RemoteKeySet(okta.jwksUri);
    const active = await kidOf('ACTIVE');
    expect(await keySet.get(active, TIMEOUT_MS)).toBeDefined();
    await okta.control.down();
    await okta.control.resetStats();
    advance(2 * 3_600_000);
    expect(await keySet.get(active, TIMEOUT_MS)).toBeDefined();
    // The failed refresh at expiry is not repeated by every lookup: retries wait for REFRESH_RETRY_MS.
    expect(await keySet.get(active, TIMEOUT_MS)).toBeDefined();
    expect((await okta.control.stats()).keys).toBe(1);
    advance(10_000);
    expect(await keySet.get(active, TIMEOUT_MS)).toBeDefined();
  });

  it('gives up on keys a day stale and answers idp_unavailable while the IdP stays down', async () => {
    const keySet = new RemoteKeySet(okta.jwksUri);
    const active = await kidOf('ACTIVE');
    expect(await keySet.get(active, TIMEOUT_MS)).toBeDefined();
    await okta.control.down();
    advance(25 * 3_600_000);
    await expect(keySet.get(active, TIMEOUT_MS)).rejects.toMatchObject({ code: 'idp_unavailable' });
    await expect(keySet.get(active, TIMEOUT_MS)).rejects.toBeInstanceOf(AuthFailure);
    await okta.control.up();
    advance(2_000);
    expect(await keySet.get(active, TIMEOUT_MS)).toBeDefined();
  });

  it('refetches for an unknown kid once per cooldown, sharing one fetch between concurrent callers', async () => {
    const keySet = new RemoteKeySet(okta.jwksUri);
    await keySet.get(await kidOf('ACTIVE'), TIMEOUT_MS);
    await okta.control.resetStats();
    const results = await Promise.all(Array.from({ length: 20 }, () => keySet.refetchFor('nope', TIMEOUT_MS)));
    expect(results.every((key) => key === undefined)).toBe(true);
    expect(await keySet.refetchFor('nope', TIMEOUT_MS)).toBeUndefined();
    expect((await okta.control.stats()).keys).toBe(1);
    advance(10_000);
    await keySet.refetchFor('nope', TIMEOUT_MS);
    expect((await okta.control.stats()).keys).toBe(2);
  });

  it('bounds a huge Cache-Control max-age to one hour', async () => {
    const lazy = await startOktaEmulator({ jwksMaxAgeSeconds: 10 * 86_400 });
    try {
      const keySet = new RemoteKeySet(lazy.jwksUri);
      const next = await cachedThenRemovedKey(lazy, keySet);
      // 40 min: beyond the 5 min default, still within 3/4 of the one-hour bound, so no refresh yet.
      advance(40 * 60_000);
      expect(await keySet.get(next, TIMEOUT_MS)).toBeDefined();
      await lazy.control.keys();
      expect(await keySet.get(next, TIMEOUT_MS)).toBeDefined();
      advance(MAX_TTL_MS - 40 * 60_000);
      expect(await keySet.get(next, TIMEOUT_MS)).toBeUndefined();
    } finally {
      await lazy.stop();
    }
  });
});
