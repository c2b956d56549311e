/**
 * Every flow with the keyboard alone, in Debian's Chromium: the developer's journey (Sign up, Sign in, New App,
 * Create, Proceed, Refresh secret and Delete each with its confirmation, Sign out) and the admin's (sign in with
 * the Admin token, approve a registration, suspend a developer). No click, no fill: the focus gets to each
 * control by Tab or Shift+Tab, and every control it passes through shows that it has it.
 */
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openWatchedPage } from '../support/browser';
import { type TestConsole, startListeningConsole } from '../support/console';
import { type Keyboard, keyboardOf } from '../support/keyboard';
import { newEmail, PASSWORD } from '../support/portal-journey';
import { type PortalPages, field, startPortalPages } from '../support/portal-pages';
import { testDatabases } from '../support/sidecar-databases';

const button = (page: Page, name: string | RegExp) => page.getByRole('button', { name, exact: typeof name === 'string' });
const link = (page: Page, name: string) => page.getByRole('link', { name, exact: true });
const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name, exact: true });

describe.each(testDatabases)('the developer journey by keyboard alone on %s', (_name, createDatabase) => {
  let site: PortalPages;
  let browser: Browser;

  beforeAll(async () => {
    site = await startPortalPages(createDatabase);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it('signs up, signs in, creates an app, proceeds, refreshes its secret, deletes it and signs out, each focus visible', async () => {
    const jane = await openWatchedPage(browser);
    const { page } = jane;
    const keys: Keyboard = keyboardOf(page);
    const email = newEmail('keyboard');
    await page.goto(`${site.url}/`);

    await keys.tabTo(link(page, 'Sign up'));
    await keys.follow('Enter');
    await keys.typeInto(field(page, 'Full name'), 'Kim Keyboard');
    await keys.typeInto(field(page, 'Email'), email);
    await keys.typeInto(field(page, 'Password'), PASSWORD);
    await keys.tabTo(button(page, 'Sign up'));
    await keys.follow('Enter');
    await heading(page, 'Check your email').waitFor();

    await keys.tabTo(link(page, 'Sign in'));
    await keys.follow('Enter');
    await keys.typeInto(field(page, 'Email'), email);
    await keys.typeInto(field(page, 'Password'), PASSWORD);
    await keys.follow('Enter');
    await heading(page, 'My Apps').waitFor();

    await keys.tabTo(link(page, 'New App'));
    await keys.follow('Enter');
    await keys.typeInto(field(page, 'Name'), 'typed-app');
    await keys.typeInto(field(page, 'Description'), 'Made without a mouse');
    await keys.tabTo(field(page, 'Auth strategy'));
    expect(await field(page, 'Auth strategy').inputValue()).toBe(site.strategyId);
    await keys.tabTo(button(page, 'Create'));
    await keys.follow(' ');
    await heading(page, 'Application created').waitFor();
    const firstSecret = (await page.locator('#client-secret').textContent())?.trim();
    expect(firstSecret).toMatch(/\S{16,}/);

    await keys.tabTo(link(page, 'Proceed'));
    await keys.follow('Enter');
    await heading(page, 'typed-app').waitFor();
    const detailsUrl = page.url();

    await keys.tabTo(button(page, 'Refresh secret'));
    await keys.follow('Enter');
    await page.getByRole('heading', { name: 'Refresh secret?' }).waitFor();
    // Past the confirmation to Cancel, then back to it: the step can be read both ways.
    await keys.tabTo(link(page, 'Cancel'));
    await keys.tabTo(button(page, 'Refresh secret'), { backwards: true });
    await keys.follow(' ');
    const refreshed = (await page.locator('#client-secret').textContent())?.trim();
    expect(refreshed).toMatch(/\S{16,}/);
    expect(refreshed).not.toBe(firstSecret);
    await keys.tabTo(link(page, 'Proceed'));
    await keys.follow('Enter');
    expect(page.url()).toBe(detailsUrl);

    await keys.tabTo(button(page, 'Delete'));
    await keys.follow('Enter');
    await page.getByRole('heading', { name: 'Delete application?' }).waitFor();
    await keys.tabTo(button(page, 'Delete'));
    await keys.follow('Enter');
    await page.getByText('The application is deleted.').waitFor();
    expect(new URL(page.url()).pathname).toBe('/apps');

    await keys.tabTo(button(page, 'Sign out'), { backwards: true });
    await keys.follow('Enter');
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(keys.unseenFocus()).toEqual([]);
    await jane.close();
  });
});

describe.each(testDatabases)('the admin console by keyboard alone on %s', (_name, createDatabase) => {
  let t: TestConsole;
  let browser: Browser;

  beforeAll(async () => {
    t = await startListeningConsole(createDatabase);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('signs in with the Admin token, approves a registration and suspends a developer through its confirmation, each focus visible', async () => {
    const admin = await openWatchedPage(browser);
    const { page } = admin;
    const keys = keyboardOf(page);
    const row = (text: string) => page.locator('tr', { hasText: text });
    await page.goto(`${t.origin}/admin/`);

    await keys.typeInto(page.getByLabel('Admin token', { exact: true }), t.sidecar.adminToken);
    await keys.follow('Enter');
    await heading(page, 'Developers').waitFor();

    await keys.tabTo(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Registration requests', exact: true }));
    await keys.follow('Enter');
    await heading(page, 'Registration requests').waitFor();
    await keys.tabTo(row('orders').getByRole('button', { name: /^Approve/ }));
    await keys.follow(' ');
    await row('orders').getByText('approved', { exact: true }).waitFor();
    expect((await t.sidecar.store.registrations.get(t.seed.applicationId, t.seed.registrationId))?.status).toBe('approved');

    await keys.tabTo(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Developers', exact: true }), { backwards: true });
    await keys.follow('Enter');
    await heading(page, 'Developers').waitFor();
    await keys.tabTo(row(t.seed.approved.email).getByRole('button', { name: /^Suspend/ }));
    await keys.follow('Enter');
    await page.getByRole('heading', { name: 'Suspend developer' }).waitFor();
    await keys.tabTo(button(page, 'Suspend'));
    await keys.follow('Enter');
    await row(t.seed.approved.email).getByRole('button', { name: /^Reinstate/ }).waitFor();
    expect((await t.sidecar.store.developers.get(t.seed.approved.id))?.status).toBe('revoked');
    expect(keys.unseenFocus()).toEqual([]);
    await admin.close();
  });
});
