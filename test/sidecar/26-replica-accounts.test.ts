/**
 * Issue 12: portal sessions and the sign-in and sign-up counters live in the database, so two sidecar replicas
 * on one PostgreSQL (behind one load balancer, here 127.0.0.1 as a trusted proxy) act as one.
 */
import type { AxiosResponse } from 'axios';
import { type SidecarReplicas, startSidecarReplicas } from '../support/sidecar-replicas';
import { PASSWORD, newEmail } from '../support/portal-journey';

const WRONG = 'not the password at all';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The `portal_session=...` pair of a response's Set-Cookie, for the next request's Cookie header. */
const sessionCookie = (response: AxiosResponse) => String(response.headers['set-cookie']?.[0] ?? '').split(';')[0]!;

describe('portal accounts across two sidecar replicas on one PostgreSQL', () => {
  let replicas: SidecarReplicas;
  beforeAll(async () => {
    replicas = await startSidecarReplicas({
      // Sign-up signs in at once: no mail to follow, no admin to approve.
      PORTAL_AUTO_APPROVE_DEVELOPERS: 'true',
      PORTAL_REQUIRE_EMAIL_VERIFICATION: 'false',
      // As behind a load balancer: X-Forwarded-For names each test's own client address.
      SIDECAR_TRUSTED_PROXIES: '127.0.0.1',
    });
  });
  afterAll(() => replicas?.stop());

  const portal = (replica: number) => replicas.members[replica]!.portal;
  const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });
  const register = (replica: number, email: string, address: string) =>
    portal(replica).post('/api/v2/developer', { email, full_name: 'Jane Doe', password: PASSWORD }, from(address));
  const authenticate = (replica: number, email: string, password: string, address: string) =>
    portal(replica).post('/api/v2/developer/authenticate', { username: email, password }, from(address));
  const me = (replica: number, cookie: string) => portal(replica).get('/api/v2/developer/me', { headers: { cookie } });

  it('keeps a session started on replica A valid on B, and ends it on A when it signs out on B', async () => {
    const email = newEmail('session');
    expect((await register(0, email, '192.0.2.10')).status).toBe(201);
    const signedIn = await authenticate(0, email, PASSWORD, '192.0.2.10');
    expect(signedIn.status).toBe(204);
    const cookie = sessionCookie(signedIn);
    expect((await me(1, cookie)).data).toMatchObject({ email });

    const renewed = await portal(1).post('/api/v2/developer/refresh', undefined, { headers: { cookie } });
    expect(renewed.status).toBe(204);
    const next = sessionCookie(renewed);
    expect((await me(0, cookie)).status).toBe(401);
    expect((await me(0, next)).status).toBe(200);

    expect((await portal(1).post('/api/v2/developer/logout', undefined, { headers: { cookie: next } })).status).toBe(204);
    expect((await me(0, next)).status).toBe(401);
    expect((await me(1, next)).status).toBe(401);
  });

  it('returns 429 after 5 failures for one email spread over both replicas, even to the right password', async () => {
    const email = newEmail('guessed');
    const address = '192.0.2.20';
    expect((await register(0, email, address)).status).toBe(201);
    /** A wrong password on `replica`, after the doubling wait between failures (its Retry-After) is over. */
    const fail = async (replica: number) => {
      for (;;) {
        const response = await authenticate(replica, email, WRONG, address);
        if (response.status !== 429) return response.status;
        await sleep(Number(response.headers['retry-after']) * 1000);
      }
    };
    expect(await fail(0)).toBe(401);
    expect(await fail(1)).toBe(401);
    // The second failure, counted on B, makes A wait too.
    const early = await authenticate(0, email, WRONG, address);
    expect(early.status).toBe(429);
    expect(Number(early.headers['retry-after'])).toBeLessThanOrEqual(1);
    for (const replica of [0, 1, 0]) expect(await fail(replica)).toBe(401);
    // Five failures: the email is locked for the rest of the 15-minute window, on both replicas.
    for (const replica of [1, 0]) {
      const locked = await authenticate(replica, email, PASSWORD, address);
      expect(locked.status).toBe(429);
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(14 * 60);
    }
  });

  it('checks no more than 5 passwords for one email in a burst of 30 guesses at the same moment over both replicas', async () => {
    const email = newEmail('burst');
    const address = '192.0.2.40';
    expect((await register(1, email, address)).status).toBe(201);
    const burst = await Promise.all(Array.from({ length: 30 }, (_, i) => authenticate(i % 2, email, WRONG, address)));
    const checked = burst.filter((response) => response.status === 401).length;
    // The doubling wait lets two through at once; a slow machine may let a few more through as it runs out,
    // never more than the limit of 5.
    expect(checked).toBeGreaterThanOrEqual(2);
    expect(checked).toBeLessThanOrEqual(5);
    expect(burst.filter((response) => response.status === 429)).toHaveLength(30 - checked);
  });

  it('lets exactly 20 of 30 sign-ups from one address at the same moment over both replicas through', async () => {
    const burst = await Promise.all(Array.from({ length: 30 }, (_, i) => register(i % 2, newEmail('rush'), '192.0.2.50')));
    expect(burst.filter((response) => response.status === 201)).toHaveLength(20);
    expect(burst.filter((response) => response.status === 429)).toHaveLength(10);
  });

  it('returns 429 to the 21st sign-up from one address in an hour, spread over both replicas', async () => {
    const address = '192.0.2.30';
    for (let i = 0; i < 20; i += 1) expect({ i, status: (await register(i % 2, newEmail('signup'), address)).status }).toEqual({ i, status: 201 });
    for (const replica of [0, 1]) {
      const refused = await register(replica, newEmail('signup'), address);
      expect(refused.status).toBe(429);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    // Another client address is not held back by this one.
    expect((await register(1, newEmail('signup'), '192.0.2.31')).status).toBe(201);
  });
});
