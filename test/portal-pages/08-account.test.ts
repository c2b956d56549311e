/**
 * The account pages in Chromium, with email verification required: the mailed link verifies through a form (a
 * link scanner's GET spends nothing), forgot and reset password by mail, change password, and the personal API
 * token shown once. Every page is watched (console errors, CSP violations, requests leaving loopback).
 */
import type { Browser } from 'playwright-core';
import { expectAccessible, launchChromium, openWatchedPage, type WatchedPage } from '../support/browser';
import { newEmail, PASSWORD } from '../support/portal-journey';
import { type PortalPages, field, signIn, signUp, startPortalPages, submit } from '../support/portal-pages';
import { sqliteTestDatabase } from '../support/sidecar-databases';

describe('account pages in Chromium', () => {
  let site: PortalPages;
  let browser: Browser;
  const opened: WatchedPage[] = [];

  beforeAll(async () => {
    site = await startPortalPages(sqliteTestDatabase, { settings: { requireEmailVerification: true } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await Promise.all(opened.map((watched) => watched.context.close()));
    await browser?.close();
    await site?.close();
  });

  async function person(): Promise<WatchedPage> {
    const watched = await openWatchedPage(browser);
    opened.push(watched);
    return watched;
  }

  /** Signs up and follows the mailed link: the developer can sign in afterwards. */
  async function verified(watched: WatchedPage): Promise<string> {
    const email = newEmail('account');
    await signUp(watched.page, site.url, { fullName: 'Vera Verified', email, password: PASSWORD });
    expect(await watched.page.getByText('Follow its link to verify your email address').isVisible()).toBe(true);
    const { link } = site.portal.mailTo(email);
    await watched.page.goto(link!);
    await submit(watched.page, 'Verify email');
    expect(await watched.page.getByRole('heading', { name: 'Email verified' }).isVisible()).toBe(true);
    return email;
  }

  it('verifies the email through the mailed link and its form, then signs in; the link works once', async () => {
    const vera = await person();
    const email = await verified(vera);
    await expectAccessible(vera);
    const { link } = site.portal.mailTo(email);
    await vera.page.goto(link!);
    const again = await submit(vera.page, 'Verify email');
    expect(again.status()).toBe(404);
    expect(await vera.page.getByRole('alert').textContent()).toContain('The provided token was not found');
    expect((await signIn(vera.page, site.url, email, PASSWORD)).status()).toBe(303);
    expect(new URL(vera.page.url()).pathname).toBe('/apps');
    await vera.close();
  });

  it('resets a forgotten password through the mailed link; the old password no longer signs in', async () => {
    const vera = await person();
    const email = await verified(vera);
    await vera.page.goto(`${site.url}/login`);
    await vera.page.getByRole('link', { name: 'Forgot your password?' }).click();
    await field(vera.page, 'Email').fill(email);
    await submit(vera.page, 'Send reset link');
    expect(await vera.page.getByRole('heading', { name: 'Check your email' }).isVisible()).toBe(true);
    await vera.page.goto(site.portal.mailTo(email).link!);
    await field(vera.page, 'Password').fill('a brand new passphrase');
    await submit(vera.page, 'Set password');
    expect(await vera.page.getByRole('heading', { name: 'Password changed' }).isVisible()).toBe(true);
    await expectAccessible(vera);
    expect((await signIn(vera.page, site.url, email, PASSWORD)).status()).toBe(401);
    expect((await signIn(vera.page, site.url, email, 'a brand new passphrase')).status()).toBe(303);
    await vera.close();
  });

  it('changes the password with the current one (a wrong one refused beside its field) and shows the personal API token once, no-store', async () => {
    const vera = await person();
    const email = await verified(vera);
    await signIn(vera.page, site.url, email, PASSWORD);
    await vera.page.getByRole('link', { name: 'Account' }).click();
    await field(vera.page, 'Current password').fill('not my password');
    await field(vera.page, 'New password').fill('another long passphrase');
    expect((await submit(vera.page, 'Change password')).status()).toBe(400);
    expect(await vera.page.locator('#field-current_password-error').textContent()).toContain('not your current password');
    await field(vera.page, 'Current password').fill(PASSWORD);
    await field(vera.page, 'New password').fill('another long passphrase');
    await submit(vera.page, 'Change password');
    expect(await vera.page.getByText('Your password is changed').isVisible()).toBe(true);
    await expectAccessible(vera);

    const created = await submit(vera.page, 'Create token');
    expect(created.headers()['cache-control']).toBe('no-store');
    const token = (await vera.page.locator('#api-token').textContent())?.trim() ?? '';
    expect(token).toMatch(/^kdcr_dev_/);
    const call = await site.portal.sidecar.app.inject({ url: '/v2/applications', headers: { authorization: `Bearer ${token}` } });
    expect(call.statusCode).toBe(200);
    await vera.page.getByRole('link', { name: 'Done' }).click();
    expect(await vera.page.content()).not.toContain(token);
    expect(await vera.page.getByText('Your token was created').isVisible()).toBe(true);
    await submit(vera.page, 'Revoke token');
    await submit(vera.page, 'Revoke token');
    expect(await vera.page.getByText('Your personal API token is revoked.').isVisible()).toBe(true);
    const refused = await site.portal.sidecar.app.inject({ url: '/v2/applications', headers: { authorization: `Bearer ${token}` } });
    expect(refused.statusCode).toBe(401);
    await vera.close();
  });
});
