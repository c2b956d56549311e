/**
 * The form CSRF rules of the portal's pages, through HTTP on both databases: a synchronizer token from the
 * session row or a pre-session row (never a secret held only in a cookie), the portal's own Origin, and form
 * bodies taken in the pages' scope only (the JSON API keeps answering 415).
 */
import type { LightMyRequestResponse } from 'fastify';
import { type TestPortal, TEST_PORTAL_URL, cookiesOf, startTestPortal } from '../support/portal-app';
import { PASSWORD, newEmail } from '../support/portal-journey';
import { testDatabases } from '../support/sidecar-databases';

const FORM = 'application/x-www-form-urlencoded';
const tokenOf = (page: LightMyRequestResponse) => /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';

describe.each(testDatabases)('form CSRF of the portal pages on %s', (_name, createDatabase) => {
  const frontEnd = 'https://portal-ui.example.com';
  let t: TestPortal;
  beforeAll(async () => {
    t = await startTestPortal(createDatabase, {
      settings: { autoApproveDevelopers: true, requireEmailVerification: false },
      portal: { allowedOrigins: [frontEnd] },
    });
  });
  afterAll(() => t?.close());

  const post = (url: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    t.call({ method: 'POST', url, headers: { 'content-type': FORM, origin: TEST_PORTAL_URL, ...headers }, payload: new URLSearchParams(fields).toString() });

  /** The sign-up form as a browser gets it: its pre-session cookie and token. */
  async function signUpForm() {
    const page = await t.call({ url: '/register' });
    return { cookie: cookiesOf(page), token: tokenOf(page) };
  }
  const signUpFields = (token: string) => ({ _csrf: token, full_name: 'Form Tester', email: newEmail('csrf'), password: PASSWORD });

  it('returns 200 for a sign-up form with its pre-session token and cookie; the token is stored encrypted, not in the cookie', async () => {
    const { cookie, token } = await signUpForm();
    expect(cookie).toMatch(/^portal_presession=[A-Za-z0-9_-]{43}$/);
    expect(cookie).not.toContain(token);
    expect((await post('/register', signUpFields(token), { cookie })).statusCode).toBe(200);
    expect(await t.sidecar.database.rawContents()).not.toContain(token);
  });

  it.each([
    ['no token', (token: string) => ({ ...signUpFields(token), _csrf: '' })],
    ['another token', (token: string) => ({ ...signUpFields(token), _csrf: `${token.slice(1)}x` })],
  ])('returns 403 for a sign-up form with %s, creating no developer', async (_case, fields) => {
    const { cookie, token } = await signUpForm();
    const body = fields(token);
    const response = await post('/register', body, { cookie });
    expect(response.statusCode).toBe(403);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(await t.sidecar.store.developers.findWithPasswordByEmail(body.email)).toBeUndefined();
  });

  it("returns 403 for a token presented with another browser's pre-session cookie, or a planted cookie the database does not know", async () => {
    const mine = await signUpForm();
    const theirs = await signUpForm();
    expect((await post('/register', signUpFields(mine.token), { cookie: theirs.cookie })).statusCode).toBe(403);
    expect((await post('/register', signUpFields(mine.token), { cookie: `portal_presession=${'A'.repeat(43)}` })).statusCode).toBe(403);
  });

  it('returns 403 for a form without Origin, or from an allowed front end of the JSON API (pages take their own origin only)', async () => {
    const { cookie, token } = await signUpForm();
    const noOrigin = await t.call({ method: 'POST', url: '/register', headers: { 'content-type': FORM, cookie }, payload: new URLSearchParams(signUpFields(token)).toString() });
    expect(noOrigin.statusCode).toBe(403);
    expect((await post('/register', signUpFields(token), { cookie, origin: frontEnd })).statusCode).toBe(403);
  });

  it("takes a signed-in form only with the session row's token: a pre-session token is refused once signed in", async () => {
    const email = newEmail('csrf');
    const { cookie, token } = await signUpForm();
    await post('/register', { ...signUpFields(token), email }, { cookie });
    const signInPage = await t.call({ url: '/login', headers: { cookie } });
    const signedIn = await post('/login', { _csrf: tokenOf(signInPage), username: email, password: PASSWORD }, { cookie });
    expect(signedIn.statusCode).toBe(303);
    const session = `${cookie}; ${cookiesOf(signedIn)}`;
    const account = await t.call({ url: '/account', headers: { cookie: session } });
    const sessionToken = tokenOf(account);
    expect(sessionToken).not.toBe(token);
    expect((await post('/account/token', { _csrf: token }, { cookie: session })).statusCode).toBe(403);
    const created = await post('/account/token', { _csrf: sessionToken }, { cookie: session });
    expect(created.statusCode).toBe(200);
    expect(created.headers['cache-control']).toBe('no-store');
  });

  it('returns 415 for a form-encoded body to /api/v2, as before the pages', async () => {
    const response = await post('/api/v2/developer', { email: newEmail('csrf'), full_name: 'x', password: PASSWORD });
    expect(response.statusCode).toBe(415);
  });
});
