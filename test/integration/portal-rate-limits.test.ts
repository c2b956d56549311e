import { type TestPortal, startTestPortal } from '../support/portal-app';
import { PASSWORD, approvedDeveloper, authenticate, newEmail, register } from '../support/portal-journey';
import { testDatabases } from '../support/sidecar-databases';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const WRONG = 'not the password at all';

describe.each(testDatabases)('portal sign-in and sign-up rate limits on %s', (_name, createDatabase) => {
  // Windows and waits are wide enough for a KDF run on a busy machine; a short window only where it must pass.
  let t: TestPortal;
  let shortWindow: TestPortal;
  let proxied: TestPortal;
  const limits = { windowMs: 60_000, maxFailuresPerEmail: 5, maxFailuresPerAddress: 8, baseDelayMs: 2_000, maxDelayMs: 4_000 };
  const retryAfterMs = (response: { headers: Record<string, unknown> }) => Number(response.headers['retry-after']) * 1000;
  beforeAll(async () => {
    t = await startTestPortal(createDatabase, { settings: { signIn: limits, mailsPerAddressPerHour: 3 } });
    shortWindow = await startTestPortal(createDatabase, { settings: { signIn: { ...limits, windowMs: 5_000, baseDelayMs: 0 } } });
    proxied = await startTestPortal(createDatabase, {
      settings: { signIn: { ...limits, baseDelayMs: 0 } },
      portal: { trustedProxies: ['10.0.0.1'] },
    });
  });
  afterAll(async () => {
    await Promise.all([t?.close(), shortWindow?.close(), proxied?.close()]);
  });

  it('returns 429 with Retry-After to a retry within the doubling wait after a second failure, then lets it through', async () => {
    const { email } = await approvedDeveloper(t);
    const from = { remoteAddress: '192.0.2.1' };
    expect((await authenticate(t, email, WRONG, from)).statusCode).toBe(401);
    expect((await authenticate(t, email, WRONG, from)).statusCode).toBe(401);
    const early = await authenticate(t, email, PASSWORD, from);
    expect(early.statusCode).toBe(429);
    expect(retryAfterMs(early)).toBeGreaterThanOrEqual(1_000);
    await sleep(retryAfterMs(early));
    expect((await authenticate(t, email, PASSWORD, from)).statusCode).toBe(204);
  });

  it('returns 429 after 5 failures even to the right password, and lets it in once the window has passed (no permanent lock)', async () => {
    const { email } = await approvedDeveloper(shortWindow);
    const from = { remoteAddress: '192.0.2.2' };
    for (let i = 0; i < 5; i++) expect((await authenticate(shortWindow, email, WRONG, from)).statusCode).toBe(401);
    const locked = await authenticate(shortWindow, email, PASSWORD, from);
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ status: 429, title: 'Too Many Requests' });
    await sleep(retryAfterMs(locked));
    expect((await authenticate(shortWindow, email, PASSWORD, from)).statusCode).toBe(204);
  });

  it('returns 401 to an unknown email as to a wrong password, counted all the same', async () => {
    const unknown = await authenticate(t, newEmail('nobody'), WRONG, { remoteAddress: '192.0.2.3' });
    expect(unknown.json()).toMatchObject({ status: 401, title: 'Invalid Credentials', detail: 'You have entered an invalid email or password.' });
  });

  it('returns 429 to one address that fails with many emails, while another address still gets through', async () => {
    const from = { remoteAddress: '192.0.2.4' };
    for (let i = 0; i < limits.maxFailuresPerAddress; i++) {
      expect((await authenticate(t, newEmail('spray'), WRONG, from)).statusCode).toBe(401);
    }
    expect((await authenticate(t, newEmail('spray'), WRONG, from)).statusCode).toBe(429);
    expect((await authenticate(t, newEmail('spray'), WRONG, { remoteAddress: '192.0.2.5' })).statusCode).toBe(401);
  });

  it('counts the X-Forwarded-For address behind a trusted proxy, and the socket address of an untrusted peer that spoofs one', async () => {
    const sprayFrom = async (remoteAddress: string, forwarded: string) => {
      const statuses: number[] = [];
      for (let i = 0; i <= limits.maxFailuresPerAddress; i++) {
        statuses.push((await authenticate(proxied, newEmail('proxy'), WRONG, { remoteAddress, headers: { 'x-forwarded-for': forwarded } })).statusCode);
      }
      return statuses;
    };
    // Through the trusted proxy each client has its own budget.
    expect(await sprayFrom('10.0.0.1', '198.51.100.1')).toContain(429);
    expect((await authenticate(proxied, newEmail('proxy'), WRONG, { remoteAddress: '10.0.0.1', headers: { 'x-forwarded-for': '198.51.100.2' } })).statusCode).toBe(401);
    // An untrusted peer is counted by its socket address, whatever it claims.
    const spoofed: number[] = [];
    for (let i = 0; i <= limits.maxFailuresPerAddress; i++) {
      spoofed.push((await authenticate(proxied, newEmail('spoof'), WRONG, { remoteAddress: '203.0.113.9', headers: { 'x-forwarded-for': `198.51.100.${100 + i}` } })).statusCode);
    }
    expect(spoofed.at(-1)).toBe(429);
  });

  it('returns 429 to more sign-ups from one address than the hourly limit', async () => {
    const from = '192.0.2.6';
    const signUp = () => t.call({ method: 'POST', url: '/api/v2/developer', payload: { email: newEmail('many'), full_name: 'Many', password: PASSWORD }, remoteAddress: from });
    for (let i = 0; i < 3; i++) expect((await signUp()).statusCode).toBe(201);
    const refused = await signUp();
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    expect((await register(t, newEmail('elsewhere'))).statusCode).toBe(201);
  });
});
