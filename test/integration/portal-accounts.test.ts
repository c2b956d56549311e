import { hashToken } from '../../sidecar/crypto/tokens';
import { type TestPortal, cookiesOf, startTestPortal } from '../support/portal-app';
import { PASSWORD, approvedDeveloper, authenticate, me, newEmail, register, setStatus, signedIn } from '../support/portal-journey';
import { readMails } from '../support/mailbox';
import { testDatabases } from '../support/sidecar-databases';

describe.each(testDatabases)('portal developer accounts on %s', (_name, createDatabase) => {
  let t: TestPortal;
  beforeAll(async () => {
    t = await startTestPortal(createDatabase);
  });
  afterAll(() => t?.close());

  const verify = (token: string | undefined) => t.call({ method: 'POST', url: '/api/v2/developer/verify-email', payload: { token } });
  const reset = (token: string | undefined, password: string) =>
    t.call({ method: 'POST', url: '/api/v2/developer/reset-password', payload: { token, password } });
  const developerId = async (email: string) => (await t.sidecar.store.developers.findWithPasswordByEmail(email))!.developer.id;

  it('returns 201 to a sign-up, mails a verification link, and keeps the developer pending until an admin approves', async () => {
    const email = newEmail();
    const response = await register(t, email);
    expect(response.statusCode).toBe(201);
    expect(response.body).toBe('');
    const mail = t.mailTo(email);
    expect(mail.subject).toMatch(/verify your email/i);
    expect(mail.link).toMatch(/^http:\/\/portal\.test:8081\/verify-email\?token=/);

    expect((await authenticate(t, email)).json()).toMatchObject({ status: 401, title: 'Email Verification Required' });
    const verified = await verify(mail.token);
    expect(verified.statusCode).toBe(202);
    expect(verified.json()).toEqual({ email });
    expect((await authenticate(t, email)).json()).toMatchObject({ status: 401, title: 'Approval Required', detail: 'Your account is pending approval for access.' });

    const approved = await setStatus(t, await developerId(email), 'approved');
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ email, status: 'approved' });
    const signIn = await authenticate(t, email);
    expect(signIn.statusCode).toBe(204);
    const body = (await me(t, cookiesOf(signIn))).json();
    expect(Object.keys(body).sort()).toEqual(['created_at', 'email', 'full_name', 'id', 'updated_at']);
    expect(body).toMatchObject({ email, full_name: 'Jane Doe' });
  });

  it('returns 201 to a sign-up with a known email (any case), mails "you already have an account" and changes nothing', async () => {
    const { email, id } = await approvedDeveloper(t);
    const again = await register(t, email.toUpperCase(), 'another password entirely', 'Mallory');
    expect(again.statusCode).toBe(201);
    expect(again.body).toBe('');
    const mail = t.mailTo(email);
    expect(mail.subject).toMatch(/already have an account/i);
    expect(mail.token).toBeUndefined();
    expect((await authenticate(t, email, 'another password entirely')).statusCode).toBe(401);
    expect((await authenticate(t, email)).statusCode).toBe(204);
    expect((await t.sidecar.admin({ url: `/v2/developers/${id}` })).json().full_name).toBe('Jane Doe');
  });

  it('returns 404 for a verification link used twice and 410 for an expired one', async () => {
    const email = newEmail();
    await register(t, email);
    const { token } = t.mailTo(email);
    expect((await verify(token)).statusCode).toBe(202);
    expect((await verify(token)).json()).toMatchObject({ status: 404, detail: 'The provided token was not found' });

    const expired = '0b6f5c1e-3a7d-4e2b-9c8a-5d4e3f2a1b0c';
    await t.sidecar.store.accountTokens.create(hashToken(expired), await developerId(email), 'verify_email', new Date(Date.now() - 1000));
    expect((await verify(expired)).json()).toMatchObject({ status: 410, title: 'Gone' });
    expect((await verify('not-a-uuid')).json()).toMatchObject({ status: 400, invalid_parameters: [{ field: 'token' }] });
  });

  it('returns 202 with a set-password token to a developer who signed up without a password (Konnect flow)', async () => {
    const email = newEmail();
    expect((await register(t, email, null)).statusCode).toBe(201);
    const verified = await verify(t.mailTo(email).token);
    expect(verified.json()).toEqual({ email, token: expect.any(String) });
    expect((await reset(verified.json().token, PASSWORD)).statusCode).toBe(204);
    await setStatus(t, await developerId(email), 'approved');
    expect((await authenticate(t, email)).statusCode).toBe(204);
  });

  it('mails an admin-created developer an invitation whose link sets the password', async () => {
    const email = newEmail();
    const created = await t.sidecar.admin({ method: 'POST', url: '/v2/developers', payload: { email, full_name: 'Invited' } });
    expect(created.statusCode).toBe(201);
    const mail = t.mailTo(email);
    expect(mail.subject).toMatch(/invited/i);
    expect((await authenticate(t, email)).statusCode).toBe(401);
    expect((await reset(mail.token, PASSWORD)).statusCode).toBe(204);
    expect((await reset(mail.token, PASSWORD)).statusCode).toBe(404);
    expect((await authenticate(t, email)).statusCode).toBe(204);
  });

  it('returns 200 to forgot-password whether or not the email is known, and mails a reset link only to a known one', async () => {
    const before = readMails(t.sidecar.mailDir).length;
    const unknown = await t.call({ method: 'POST', url: '/api/v2/developer/forgot-password', payload: { email: newEmail('nobody') } });
    expect(unknown.statusCode).toBe(200);
    expect(readMails(t.sidecar.mailDir)).toHaveLength(before);

    const { email, cookie } = await signedIn(t);
    const known = await t.call({ method: 'POST', url: '/api/v2/developer/forgot-password', payload: { email } });
    expect(known.statusCode).toBe(200);
    const { token, link } = t.mailTo(email);
    expect(link).toMatch(/\/reset-password\?token=/);
    expect((await reset(token, 'a brand new password')).statusCode).toBe(204);
    expect((await me(t, cookie)).statusCode).toBe(401);
    expect((await authenticate(t, email)).statusCode).toBe(401);
    expect((await authenticate(t, email, 'a brand new password')).statusCode).toBe(204);
  });

  it('returns 400 to a password change with a wrong current password, and 204 with a new session to a right one, ending the others', async () => {
    const { email, cookie } = await signedIn(t);
    const other = cookiesOf(await authenticate(t, email));
    const change = (current: string) =>
      t.call({ method: 'POST', url: '/api/v2/developer/me/password', headers: { cookie }, payload: { current_password: current, new_password: 'the next password' } });
    const wrong = await change('not my password');
    expect(wrong.json()).toMatchObject({ status: 400, invalid_parameters: [{ field: 'current_password' }] });
    const right = await change(PASSWORD);
    expect(right.statusCode).toBe(204);
    expect((await me(t, cookie)).statusCode).toBe(401);
    expect((await me(t, other)).statusCode).toBe(401);
    expect((await me(t, cookiesOf(right))).statusCode).toBe(200);
    expect((await authenticate(t, email, 'the next password')).statusCode).toBe(204);
  });

  it('returns 400 for a password shorter than 12 characters', async () => {
    const response = await register(t, newEmail(), 'short');
    expect(response.json()).toMatchObject({ status: 400, invalid_parameters: [{ field: 'password' }] });
  });

  it('suspends (revoked) a developer at once, signing them out, and reinstates them', async () => {
    const { id, email, cookie } = await signedIn(t);
    const suspended = await setStatus(t, id, 'revoked');
    expect(suspended.json()).toMatchObject({ id, status: 'revoked' });
    expect((await me(t, cookie)).statusCode).toBe(401);
    expect((await authenticate(t, email)).json()).toMatchObject({ status: 401, title: 'Account Suspended' });
    expect((await setStatus(t, id, 'approved')).statusCode).toBe(200);
    expect((await authenticate(t, email)).statusCode).toBe(204);
  });

  it('returns 409 for status changes outside the state table, and for approving an unverified email', async () => {
    const email = newEmail();
    await register(t, email);
    const id = await developerId(email);
    expect((await setStatus(t, id, 'approved')).json()).toMatchObject({ status: 409, detail: expect.stringContaining('not verified') });
    expect((await setStatus(t, id, 'revoked')).json()).toMatchObject({ status: 409, detail: expect.stringContaining('from pending to revoked') });
    expect((await setStatus(t, id, 'rejected')).json()).toMatchObject({ status: 'rejected' });
    expect((await setStatus(t, id, 'approved')).statusCode).toBe(409);
    expect((await setStatus(t, id, 'pending')).statusCode).toBe(409);
    expect((await t.sidecar.admin({ method: 'PATCH', url: `/v3/portals/00000000-0000-4000-8000-000000000000/developers/${id}`, payload: { status: 'approved' } })).statusCode).toBe(404);
  });

  it('creates a personal API token shown once, which authenticates /v2 for curl until revoked', async () => {
    const { cookie } = await signedIn(t);
    expect((await t.call({ url: '/api/v2/developer/me/token', headers: { cookie } })).statusCode).toBe(404);
    const created = await t.call({ method: 'POST', url: '/api/v2/developer/me/token', headers: { cookie } });
    expect(created.statusCode).toBe(201);
    const { token } = created.json();
    expect(token).toMatch(/^kdcr_dev_/);
    const curl = () => t.sidecar.app.inject({ url: '/v2/applications', headers: { authorization: `Bearer ${token}` } });
    expect((await curl()).statusCode).toBe(200);
    const shown = await t.call({ url: '/api/v2/developer/me/token', headers: { cookie } });
    expect(shown.json()).toEqual({ created_at: created.json().created_at });
    expect((await t.call({ url: '/api/v2/developer/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);
    expect((await t.call({ method: 'DELETE', url: '/api/v2/developer/me/token', headers: { cookie } })).statusCode).toBe(204);
    expect((await curl()).statusCode).toBe(401);
  });
});

describe.each(testDatabases)('portal developer accounts with automatic approval and no verification on %s', (_name, createDatabase) => {
  let t: TestPortal;
  beforeAll(async () => {
    t = await startTestPortal(createDatabase, { settings: { autoApproveDevelopers: true, requireEmailVerification: false } });
  });
  afterAll(() => t?.close());

  it('returns 204 to the first sign-in right after sign-up, no mail sent', async () => {
    const email = newEmail();
    expect((await register(t, email)).statusCode).toBe(201);
    expect(readMails(t.sidecar.mailDir).filter((m) => m.to.includes(email))).toHaveLength(0);
    expect((await authenticate(t, email)).statusCode).toBe(204);
  });
});
