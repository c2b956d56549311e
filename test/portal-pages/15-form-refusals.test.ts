/**
 * Forms and their refusals in Debian's Chromium, where neither the journey nor the account tests look: a developer
 * whose email is not verified yet, then one waiting for approval, each told why right beside the sign-in form;
 * every label of every form page (portal and console) names its control by `for`/id and every control has one;
 * and each field's error sits in the field's own block, named by the control's aria-describedby.
 */
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openWatchedPage } from '../support/browser';
import { type TestConsole, startListeningConsole } from '../support/console';
import { newEmail, PASSWORD } from '../support/portal-journey';
import { type PortalPages, createApp, field, signIn, signUp, startPortalPages, submit } from '../support/portal-pages';
import { sqliteTestDatabase } from '../support/sidecar-databases';

/** Labels naming no control, and controls no label names (page code as a string: the tests have no DOM types). */
const unlabelled = (page: Page) =>
  page.evaluate<string[]>(`(() => {
    const problems = [];
    for (const label of document.querySelectorAll('label')) {
      const control = label.htmlFor ? document.getElementById(label.htmlFor) : null;
      if (!control || !['INPUT', 'SELECT', 'TEXTAREA'].includes(control.tagName)) problems.push('label "' + label.textContent.trim() + '" for="' + label.htmlFor + '" names no control');
    }
    for (const control of document.querySelectorAll('input:not([type="hidden"]), select, textarea')) {
      if (!control.id || !document.querySelector('label[for="' + CSS.escape(control.id) + '"]')) problems.push(control.tagName + ' ' + control.name + ' has no label[for]');
    }
    return problems;
  })()`);

/**
 * Each invalid control with its error's text, and where that error is not beside it: in the control's field
 * block and named by its aria-describedby (or its fieldset's). Every error shown must belong to a control.
 */
const fieldErrors = (page: Page) =>
  page.evaluate<{ errors: Record<string, string>; misplaced: string[] }>(`(() => {
    const errors = {};
    const misplaced = [];
    const described = (element) => (element && element.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
    for (const error of document.querySelectorAll('.field-error')) {
      const block = error.closest('.field, fieldset');
      const control = block && block.querySelector('input:not([type="hidden"]), select, textarea');
      if (!control) { misplaced.push('"' + error.textContent.trim() + '" is in no field'); continue; }
      errors[control.name] = error.textContent.trim();
      if (![...described(control), ...described(control.closest('fieldset'))].includes(error.id)) misplaced.push(control.name + ' is not described by its error');
      if (control.closest('fieldset') === null && control.getAttribute('aria-invalid') !== 'true') misplaced.push(control.name + ' is not marked invalid');
    }
    for (const control of document.querySelectorAll('[aria-invalid="true"]')) {
      if (!(control.name in errors)) misplaced.push(control.name + ' is invalid with no error beside it');
    }
    return { errors, misplaced };
  })()`);

/** The form-level refusal: its text, and whether it sits right above the form it refuses. */
const formRefusal = (page: Page, action: string) =>
  page.evaluate<{ text: string; besideForm: boolean }>(`(() => {
    const alert = document.querySelector('#form-error');
    return { text: alert ? alert.textContent.trim() : '', besideForm: !!alert && alert.nextElementSibling === document.querySelector('form[action="${action}"]') };
  })()`);

describe('sign-in refusals and form fields in Chromium', () => {
  let site: PortalPages;
  let browser: Browser;

  beforeAll(async () => {
    site = await startPortalPages(sqliteTestDatabase, { settings: { requireEmailVerification: true, autoApproveDevelopers: false } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it('tells an unverified developer, then a pending one, why they cannot sign in, beside the form with the email kept', async () => {
    const dev = await openWatchedPage(browser);
    const { page } = dev;
    const email = newEmail('waiting');
    await signUp(page, site.url, { fullName: 'Wai Ting', email, password: PASSWORD });

    expect((await signIn(page, site.url, email, PASSWORD)).status()).toBe(401);
    expect(await formRefusal(page, '/login')).toEqual({ text: 'Verify your email first: follow the link we mailed you.', besideForm: true });
    expect(await field(page, 'Email').inputValue()).toBe(email);
    expect(await page.getByRole('alert').textContent()).toContain('Verify your email first');

    await page.goto(site.portal.mailTo(email).link!);
    await submit(page, 'Verify email');
    expect((await signIn(page, site.url, email, PASSWORD)).status()).toBe(401);
    expect(await formRefusal(page, '/login')).toEqual({ text: 'Your account is pending approval for access.', besideForm: true });
    expect(await field(page, 'Email').inputValue()).toBe(email);
    expect(await field(page, 'Password').inputValue()).toBe('');
    expect(await unlabelled(page)).toEqual([]);
    await dev.close();
  });

  it('labels every control of every portal form page by for/id, and shows each field error beside its field', async () => {
    const dev = await openWatchedPage(browser);
    const { page } = dev;
    for (const path of ['/register', '/login', '/forgot-password']) {
      await page.goto(`${site.url}${path}`);
      expect({ path, unlabelled: await unlabelled(page) }).toEqual({ path, unlabelled: [] });
    }

    await page.goto(`${site.url}/register`);
    await field(page, 'Email').fill('not an email');
    await field(page, 'Password').fill('short');
    expect((await submit(page, 'Sign up')).status()).toBe(400);
    const refused = await fieldErrors(page);
    expect(refused.misplaced).toEqual([]);
    expect(Object.keys(refused.errors).length).toBeGreaterThan(0);
    expect(await unlabelled(page)).toEqual([]);

    // An approved developer for the signed-in forms (an admin approves: this portal approves nobody by itself).
    const email = newEmail('labels');
    await signUp(page, site.url, { fullName: 'Lab Elle', email, password: PASSWORD });
    await page.goto(site.portal.mailTo(email).link!);
    await submit(page, 'Verify email');
    const { developer } = (await site.portal.sidecar.store.developers.findWithPasswordByEmail(email))!;
    await site.portal.sidecar.store.developers.changeStatus(developer.id, 'pending', 'approved');
    expect((await signIn(page, site.url, email, PASSWORD)).status()).toBe(303);

    await page.goto(`${site.url}/apps/new`);
    expect(await unlabelled(page)).toEqual([]);
    expect((await submit(page, 'Create')).status()).toBe(400);
    const blankName = await fieldErrors(page);
    expect(blankName.misplaced).toEqual([]);
    expect(Object.keys(blankName.errors)).toContain('name');

    await createApp(page, site.url, { name: 'labelled-app' });
    await page.getByRole('link', { name: 'Proceed' }).click();
    await page.waitForLoadState('load');
    expect(await unlabelled(page)).toEqual([]);
    await page.goto(`${site.url}/apis`);
    await page.getByRole('link', { name: /^Open/ }).first().click();
    await page.getByRole('link', { name: 'Use this API' }).click();
    await page.waitForLoadState('load');
    expect(await unlabelled(page)).toEqual([]);
    expect((await submit(page, 'Request access')).status()).toBe(400);
    const unchosen = await fieldErrors(page);
    expect(unchosen.misplaced).toEqual([]);
    expect(Object.keys(unchosen.errors)).toEqual(['application_id']);

    await page.goto(`${site.url}/account`);
    expect(await unlabelled(page)).toEqual([]);
    await field(page, 'Current password').fill('not my password');
    await field(page, 'New password').fill('another long passphrase');
    expect((await submit(page, 'Change password')).status()).toBe(400);
    expect((await fieldErrors(page)).misplaced).toEqual([]);
    await dev.close();
  });
});

describe('console form fields in Chromium', () => {
  let t: TestConsole;
  let browser: Browser;

  beforeAll(async () => {
    t = await startListeningConsole(sqliteTestDatabase);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('labels every control of every console form page by for/id, and shows each field error beside its field', async () => {
    const admin = await openWatchedPage(browser);
    const { page } = admin;
    await page.goto(`${t.origin}/admin/`);
    expect(await unlabelled(page)).toEqual([]);
    await page.getByLabel('Admin token').fill(t.sidecar.adminToken);
    await submit(page, 'Sign in');

    const forms = ['/admin/dcr-providers/new/okta', '/admin/auth-strategies/new', '/admin/apis/orders/publish'];
    for (const path of forms) {
      await page.goto(`${t.origin}${path}`);
      expect({ path, unlabelled: await unlabelled(page) }).toEqual({ path, unlabelled: [] });
    }
    for (const [path, button] of [
      ['/admin/dcr-providers/new/okta', /^(Create|Save)/],
      ['/admin/auth-strategies/new', /^(Create|Save)/],
    ] as const) {
      await page.goto(`${t.origin}${path}`);
      // The browser holds back a form with a required field left empty: each gets a value the server refuses.
      const required = page.locator('main input[required]');
      for (let index = 0; index < (await required.count()); index++) await required.nth(index).fill('not a url');
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().isNavigationRequest() && r.request().method() === 'POST'),
        page.locator('main').getByRole('button', { name: button }).click(),
      ]);
      await page.waitForLoadState('load');
      expect({ path, status: response.status() }).toEqual({ path, status: 400 });
      const refused = await fieldErrors(page);
      expect({ path, misplaced: refused.misplaced }).toEqual({ path, misplaced: [] });
      expect(Object.keys(refused.errors).length).toBeGreaterThan(0);
      expect(await unlabelled(page)).toEqual([]);
    }
    await admin.close();
  });
});
