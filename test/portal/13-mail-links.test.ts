import { randomUUID } from 'node:crypto';
import { type TestPortal, startTestPortal } from '../support/portal-app';
import { PASSWORD, newEmail, register } from '../support/portal-journey';
import { testDatabases } from '../support/sidecar-databases';

const NEW_PASSWORD = 'a new horse battery staple';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Only the clock moves: timers, ticks and I/O stay real, so both databases' drivers work as ever. */
function clockAt(ms: number): void {
  jest.useFakeTimers({
    now: ms,
    doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
  });
}

/** Each mailed link works once, within its lifetime (verification 24 h, reset 1 h, invitation 7 days), and only for its purpose. */
describe.each(testDatabases)('portal mail links on %s', (_name, createDatabase) => {
  let t: TestPortal;
  beforeAll(async () => {
    t = await startTestPortal(createDatabase);
  });
  afterAll(() => t?.close());
  afterEach(() => jest.useRealTimers());

  const verify = (token: string | undefined) => t.call({ method: 'POST', url: '/api/v2/developer/verify-email', payload: { token } });
  const reset = (token: string | undefined, password = NEW_PASSWORD) =>
    t.call({ method: 'POST', url: '/api/v2/developer/reset-password', payload: { token, password } });
  const forgot = (email: string) => t.call({ method: 'POST', url: '/api/v2/developer/forgot-password', payload: { email } });
  const invite = (email: string) => t.sidecar.admin({ method: 'POST', url: '/v2/developers', payload: { email, full_name: 'Invited' } });
  /** A sign-up's verification link, mailed at the real time. */
  const verificationLink = async () => {
    const email = newEmail('link');
    expect((await register(t, email)).statusCode).toBe(201);
    return { email, mail: t.mailTo(email) };
  };

  it('mails a verification link that works for 24 hours, once: 404 when used again, 410 once expired (and spent)', async () => {
    const issuedAt = Date.now();
    const fresh = await verificationLink();
    const late = await verificationLink();
    expect(fresh.mail.text).toContain('within 1 day:');
    expect(fresh.mail.text).not.toMatch(/\b1 days\b/);
    clockAt(issuedAt + DAY - MINUTE);
    expect((await verify(fresh.mail.token)).statusCode).toBe(202);
    expect((await verify(fresh.mail.token)).json()).toMatchObject({ status: 404, detail: 'The provided token was not found' });
    clockAt(issuedAt + DAY + 5_000);
    expect((await verify(late.mail.token)).json()).toMatchObject({ status: 410, title: 'Gone', instance: '/api/v2/developer/verify-email' });
    expect((await verify(late.mail.token)).statusCode).toBe(404);
    expect((await t.sidecar.store.developers.findWithPasswordByEmail(late.email))?.developer.email_verified_at).toBeNull();
  });

  it('mails a reset link that works for 1 hour, once; a newer reset link spends the older one', async () => {
    const { email, mail } = await verificationLink();
    expect((await verify(mail.token)).statusCode).toBe(202);
    const issuedAt = Date.now();
    expect((await forgot(email)).statusCode).toBe(200);
    const first = t.mailTo(email);
    expect(first.text).toContain('within 1 hour:');
    expect((await forgot(email)).statusCode).toBe(200);
    const second = t.mailTo(email);
    expect(second.token).not.toBe(first.token);
    expect((await reset(first.token)).statusCode).toBe(404);
    clockAt(issuedAt + HOUR - MINUTE);
    expect((await reset(second.token)).statusCode).toBe(204);
    expect((await reset(second.token)).statusCode).toBe(404);
    jest.useRealTimers();

    const lateAt = Date.now();
    expect((await forgot(email)).statusCode).toBe(200);
    const late = t.mailTo(email);
    clockAt(lateAt + HOUR + 5_000);
    expect((await reset(late.token, PASSWORD)).statusCode).toBe(410);
    expect((await reset(late.token, PASSWORD)).statusCode).toBe(404);
  });

  it('mails an invitation that works for 7 days, once, and expires after', async () => {
    const issuedAt = Date.now();
    const [kept, lapsed] = [newEmail('invited'), newEmail('invited')];
    for (const email of [kept, lapsed]) expect((await invite(email)).statusCode).toBe(201);
    const [keptMail, lapsedMail] = [t.mailTo(kept), t.mailTo(lapsed)];
    expect(keptMail.text).toContain('within 7 days:');
    clockAt(issuedAt + 7 * DAY - MINUTE);
    expect((await reset(keptMail.token)).statusCode).toBe(204);
    expect((await reset(keptMail.token)).statusCode).toBe(404);
    clockAt(issuedAt + 7 * DAY + 5_000);
    expect((await reset(lapsedMail.token)).statusCode).toBe(410);
    expect(await t.sidecar.store.developers.passwordHash((await t.sidecar.store.developers.findWithPasswordByEmail(lapsed))!.developer.id)).toBeNull();
  });

  it('returns 404 to an unknown token and to a link used for another purpose, which then still works for its own', async () => {
    expect((await verify(randomUUID())).statusCode).toBe(404);
    expect((await reset(randomUUID())).statusCode).toBe(404);
    const { email, mail } = await verificationLink();
    expect((await reset(mail.token)).statusCode).toBe(404);
    expect((await verify(mail.token)).statusCode).toBe(202);
    expect((await forgot(email)).statusCode).toBe(200);
    const resetMail = t.mailTo(email);
    expect((await verify(resetMail.token)).statusCode).toBe(404);
    expect((await reset(resetMail.token)).statusCode).toBe(204);
  });
});
