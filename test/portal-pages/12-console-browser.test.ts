/**
 * The admin console in Debian's Chromium, keyboard and mouse as an admin uses it, on the sidecar's own listener:
 * every page clean (no console error, no CSP violation, nothing fetched beyond loopback), accessible (axe: no
 * serious or critical violation), and the XSS payloads of the seed never run.
 */
import type { Browser, Page } from 'playwright-core';
import { CONTENT_SECURITY_POLICY } from '../../sidecar/pages/security-headers';
import { type WatchedPage, expectAccessible, launchChromium, openWatchedPage } from '../support/browser';
import { CONSOLE_PAGES, type TestConsole, freePort, startTestConsole } from '../support/console';
import { testDatabases } from '../support/sidecar-databases';

describe.each(testDatabases)('admin console in Chromium on %s', (_name, createDatabase) => {
  let t: TestConsole;
  let browser: Browser;
  let admin: WatchedPage;
  let page: Page;

  beforeAll(async () => {
    t = await startTestConsole(createDatabase, await freePort());
    await t.sidecar.app.listen({ port: Number(new URL(t.origin).port), host: '127.0.0.1' });
    browser = await launchChromium();
    admin = await openWatchedPage(browser);
    page = admin.page;
  });
  afterAll(async () => {
    // Each test checked its pages clean already: whatever happens, the browser and the sidecar are stopped.
    await browser?.close();
    await t?.close();
  });

  /** No payload ran: none set its mark, and no element of the payload's markup exists. */
  const expectInert = async () => {
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    expect(await page.locator('img[src="x"], script:not([src])').count()).toBe(0);
  };

  const row = (text: string) => page.locator('tr', { hasText: text });

  it('refuses a wrong admin token on the sign-in page and signs in with the right one, by keyboard', async () => {
    const response = await page.goto(`${t.origin}/admin/`);
    expect(response?.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
    await expectAccessible(admin);
    await page.getByLabel('Admin token').fill('not-the-admin-token');
    await page.keyboard.press('Enter');
    await page.getByText('That is not the admin token.').waitFor();
    await expectAccessible(admin);
    await page.getByLabel('Admin token').fill(t.sidecar.adminToken);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Developers' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/developers');
  });

  it.each(CONSOLE_PAGES)('renders %s from the navigation: clean, accessible, with every payload inert', async (heading, path) => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: heading, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    expect(new URL(page.url()).pathname).toBe(path);
    await expectInert();
    await expectAccessible(admin);
  });

  it('approves the pending developer', async () => {
    await page.goto(`${t.origin}/admin/developers`);
    await row(t.seed.pending.email).getByRole('button', { name: /^Approve/ }).click();
    await row(t.seed.pending.email).getByRole('button', { name: /^Suspend/ }).waitFor();
    expect((await t.sidecar.store.developers.get(t.seed.pending.id))?.status).toBe('approved');
  });

  it('approves the registration request, then revokes it through its confirmation step', async () => {
    await page.goto(`${t.origin}/admin/registrations`);
    await row('orders').getByRole('button', { name: /^Approve/ }).click();
    await row('orders').getByText('approved', { exact: true }).waitFor();
    await row('orders').getByRole('button', { name: /^Revoke/ }).click();
    await page.getByRole('heading', { name: 'Revoke registration' }).waitFor();
    await expectAccessible(admin);
    expect((await t.sidecar.store.registrations.get(t.seed.applicationId, t.seed.registrationId))?.status).toBe('approved');
    await page.getByRole('button', { name: 'Revoke', exact: true }).click();
    await row('orders').getByText('revoked', { exact: true }).waitFor();
    expect((await t.sidecar.store.registrations.get(t.seed.applicationId, t.seed.registrationId))?.status).toBe('revoked');
  });

  it('suspends a developer through the confirmation step, which names them as text', async () => {
    await page.goto(`${t.origin}/admin/developers`);
    await row(t.seed.approved.email).getByRole('button', { name: /^Suspend/ }).click();
    await page.getByRole('heading', { name: 'Suspend developer' }).waitFor();
    await expect(page.getByText(/Suspend Approved <img src=x/).isVisible()).resolves.toBe(true);
    await expectInert();
    await page.getByRole('button', { name: 'Suspend', exact: true }).click();
    await row(t.seed.approved.email).getByRole('button', { name: /^Reinstate/ }).waitFor();
    expect((await t.sidecar.store.developers.get(t.seed.approved.id))?.status).toBe('revoked');
  });

  it('deletes an application through the confirmation step; Cancel first changes nothing', async () => {
    await page.goto(`${t.origin}/admin/applications`);
    await row('App').getByRole('button', { name: /^Delete/ }).click();
    await page.getByRole('heading', { name: 'Delete application' }).waitFor();
    await expectAccessible(admin);
    await page.getByRole('link', { name: 'Cancel' }).click();
    await page.getByRole('heading', { level: 1, name: 'Applications' }).waitFor();
    expect(await t.sidecar.store.applications.get(t.seed.applicationId)).toBeDefined();
    await row('App').getByRole('button', { name: /^Delete/ }).click();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByText('No applications yet.').waitFor();
    expect(await t.sidecar.store.applications.get(t.seed.applicationId)).toBeUndefined();
  });

  it('shows the audit log of all that, with every payload inert', async () => {
    await page.goto(`${t.origin}/admin/audit?page[size]=100`);
    await page.getByText('registration.revoked').waitFor();
    await page.locator('details').first().click();
    await expectInert();
    await expectAccessible(admin);
  });

  it('works at 320 px: the developers page fits and its actions stay reachable', async () => {
    const phone = await openWatchedPage(browser, { viewport: { width: 320, height: 640 } });
    await phone.context.addCookies(await admin.context.cookies());
    await phone.page.goto(`${t.origin}/admin/developers`);
    await phone.page.getByRole('heading', { name: 'Developers' }).waitFor();
    expect(await phone.page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await expectAccessible(phone);
    await phone.close();
  });

  it('signs out from the header; the pages then lead to the sign-in page', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.goto(`${t.origin}/admin/audit`);
    expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
  });
});
