/**
 * Every page of the developer's journey and of the admin console on a 320 x 640 phone, in Debian's Chromium: the
 * page never scrolls sideways, its main actions are there, and no button or button-like link sits outside the
 * screen's width (where a phone user would have to find it by scrolling a box sideways).
 */
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openWatchedPage, type WatchedPage } from '../support/browser';
import { CONSOLE_PAGES, type TestConsole, startListeningConsole } from '../support/console';
import { newEmail, PASSWORD } from '../support/portal-journey';
import { type PortalPages, createApp, signIn, signUp, startPortalPages, submit } from '../support/portal-pages';
import { sqliteTestDatabase } from '../support/sidecar-databases';

const PHONE = { width: 320, height: 640 };

/** What a page looks like on the phone: how wide it scrolls, and the buttons that stick out of the screen. */
async function fit(page: Page): Promise<{ scrollWidth: number; outside: string[] }> {
  return page.evaluate(`({
    scrollWidth: document.scrollingElement.scrollWidth,
    outside: [...document.querySelectorAll('button, a.button')]
      .filter((element) => element.getClientRects().length > 0)
      .filter((element) => { const box = element.getBoundingClientRect(); return box.left < 0 || box.right > ${PHONE.width}; })
      .map((element) => element.textContent.trim()),
  })`);
}

/** The page fits the phone, and each named action is a visible button or link. */
async function expectFits(page: Page, actions: string[]): Promise<void> {
  expect({ url: new URL(page.url()).pathname, ...(await fit(page)) }).toEqual({ url: new URL(page.url()).pathname, scrollWidth: PHONE.width, outside: [] });
  for (const name of actions) {
    const action = page.getByRole('button', { name, exact: true }).or(page.getByRole('link', { name, exact: true })).first();
    expect({ name, visible: await action.isVisible() }).toEqual({ name, visible: true });
  }
}

describe('the portal on a 320 px phone', () => {
  let site: PortalPages;
  let browser: Browser;
  let phone: WatchedPage;
  let page: Page;

  beforeAll(async () => {
    site = await startPortalPages(sqliteTestDatabase);
    browser = await launchChromium();
    phone = await openWatchedPage(browser, { viewport: PHONE });
    page = phone.page;
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it('fits every page of the journey, from the home page to Delete, each main action on screen', async () => {
    const email = newEmail('phone');
    await page.goto(`${site.url}/`);
    await expectFits(page, ['Sign up', 'Sign in', 'APIs']);
    await signUp(page, site.url, { fullName: 'Pat Phone, with a rather long full name for a small screen', email, password: PASSWORD });
    await expectFits(page, ['Sign in']);
    await page.goto(`${site.url}/register`);
    await expectFits(page, ['Sign up']);
    expect((await signIn(page, site.url, email, 'not the password')).status()).toBe(401);
    await expectFits(page, ['Sign in', 'Forgot your password?']);
    await signIn(page, site.url, email, PASSWORD);
    await expectFits(page, ['New App', 'Sign out']);
    await page.goto(`${site.url}/apps/new`);
    await expectFits(page, ['Create']);

    await createApp(page, site.url, { name: 'a-long-application-name-without-any-space-to-break-it', description: 'On the phone' });
    await expectFits(page, ['Copy Client ID', 'Copy Client Secret', 'Proceed']);
    await page.getByRole('link', { name: 'Proceed' }).click();
    await page.waitForLoadState('load');
    await expectFits(page, ['Refresh secret', 'Save', 'Delete']);
    const detailsUrl = page.url();

    await page.goto(`${site.url}/apis`);
    await expectFits(page, []);
    await page.getByRole('link', { name: /^Open/ }).first().click();
    await page.waitForLoadState('load');
    await expectFits(page, ['Use this API']);
    await page.getByRole('link', { name: 'Use this API' }).click();
    await page.waitForLoadState('load');
    await expectFits(page, ['Request access', 'New App']);
    const unchosen = await submit(page, 'Request access');
    expect(unchosen.status()).toBe(400);
    await expectFits(page, ['Request access']);
    await page.getByRole('radio').first().check();
    await submit(page, 'Request access');
    await expectFits(page, []);

    await page.goto(detailsUrl);
    await expectFits(page, ['Withdraw demo', 'Refresh secret', 'Delete']);
    await submit(page, 'Refresh secret');
    await expectFits(page, ['Refresh secret', 'Cancel']);
    await submit(page, 'Refresh secret');
    await expectFits(page, ['Proceed']);
    await page.goto(detailsUrl);
    await submit(page, 'Delete');
    await expectFits(page, ['Delete', 'Cancel']);
    await submit(page, 'Delete');
    await expectFits(page, ['New App']);

    await page.goto(`${site.url}/account`);
    await expectFits(page, ['Change password', 'Create token']);
    phone.expectClean();
  });
});

describe('the admin console on a 320 px phone', () => {
  let t: TestConsole;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    t = await startListeningConsole(sqliteTestDatabase);
    browser = await launchChromium();
    page = (await openWatchedPage(browser, { viewport: PHONE })).page;
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('fits the sign-in page', async () => {
    await page.goto(`${t.origin}/admin/`);
    await expectFits(page, ['Sign in']);
    await page.getByLabel('Admin token').fill(t.sidecar.adminToken);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Developers' }).waitFor();
  });

  it.each(CONSOLE_PAGES)('fits %s', async (_heading, path) => {
    await page.goto(`${t.origin}${path}`);
    await expectFits(page, ['Sign out']);
  });

  it('fits the rows of Developers, Registration requests and Applications with their actions, and their confirmation steps', async () => {
    const row = (text: string) => page.locator('tr', { hasText: text });
    await page.goto(`${t.origin}/admin/developers`);
    expect(await row(t.seed.pending.email).getByRole('button', { name: /^Approve/ }).isVisible()).toBe(true);
    await row(t.seed.approved.email).getByRole('button', { name: /^Suspend/ }).click();
    await page.getByRole('heading', { name: 'Suspend developer' }).waitFor();
    await expectFits(page, ['Suspend', 'Cancel']);
    await page.goto(`${t.origin}/admin/registrations`);
    expect(await row('orders').getByRole('button', { name: /^Approve/ }).isVisible()).toBe(true);
    await page.goto(`${t.origin}/admin/applications`);
    await row('App').getByRole('button', { name: /^Delete/ }).click();
    await page.getByRole('heading', { name: 'Delete application' }).waitFor();
    await expectFits(page, ['Delete', 'Cancel']);
  });
});
