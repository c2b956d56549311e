/**
 * `npm run screenshots`: the portal's account and application pages in Chromium, at a desktop width and at
 * 320 px, written to docs/img/portal-*.png for the README's browser walkthrough. Not part of `npm test` (it
 * rewrites committed files); the page tests check the same pages.
 */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { developerActor } from '../../sidecar/store/audit';
import { launchChromium, openWatchedPage, screenshot } from '../support/browser';
import { PASSWORD } from '../support/portal-journey';
import { type PortalPages, createApp, signIn, signUp, startPortalPages, submit } from '../support/portal-pages';
import { sqliteTestDatabase } from '../support/sidecar-databases';

const IMAGES = path.resolve(__dirname, '../../docs/img');
const PHONE = { width: 320, height: 640 };

let site: PortalPages;
let browser: Browser;

beforeAll(async () => {
  site = await startPortalPages(sqliteTestDatabase, { gatewayUrl: 'http://127.0.0.1:8000' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

it('writes the portal pages to docs/img/portal-*.png', async () => {
  const desktop = await openWatchedPage(browser);
  const phone = await openWatchedPage(browser, { viewport: PHONE });
  const { page } = desktop;
  const shot = (name: string) => screenshot(page, path.join(IMAGES, `portal-${name}.png`));

  await page.goto(site.url);
  await shot('home');
  await signUp(page, site.url, { fullName: 'Dana Developer', email: 'dana@example.com', password: PASSWORD });
  await page.goto(`${site.url}/register`);
  await shot('sign-up');
  await signIn(page, site.url, 'dana@example.com', PASSWORD);
  await shot('my-apps-empty');
  await page.getByRole('link', { name: 'New App' }).first().click();
  await page.getByLabel('Name', { exact: true }).fill('weather-app');
  await shot('new-app');
  const created = await createApp(page, site.url, { name: 'weather-app', description: 'Seven-day forecasts for the mobile app' });
  await shot('app-created');

  // Access requested and approved, as the APIs pages and the console do it: the details show a registration.
  const appId = new URL(await page.getByRole('link', { name: 'Proceed' }).getAttribute('href') ?? '', site.url).pathname.split('/')[2]!;
  const { developer } = (await site.portal.sidecar.store.developers.findWithPasswordByEmail('dana@example.com'))!;
  const registration = await site.portal.sidecar.app.useCases.registrations.request(developer, appId, { service: 'demo' }, developerActor(developer.id, '127.0.0.1'));
  await site.portal.sidecar.admin({ method: 'PATCH', url: `/v2/applications/${appId}/registrations/${registration.id}`, payload: { status: 'approved' } });
  await page.getByRole('link', { name: 'Proceed' }).click();
  await page.waitForLoadState('load');
  await shot('app-details');
  await page.goto(`${site.url}/apis`);
  await shot('apis');
  await page.getByRole('link', { name: 'demo' }).first().click();
  await page.waitForLoadState('load');
  await shot('api');
  await page.goto(`${site.url}/apps/${appId}`);
  await submit(page, 'Delete');
  await shot('delete-confirm');
  await page.goto(`${site.url}/apps`);
  await shot('my-apps');
  await page.goto(`${site.url}/account`);
  await shot('account');
  await submit(page, 'Sign out');
  await page.getByLabel('Email', { exact: true }).fill('dana@example.com');
  await page.getByLabel('Password', { exact: true }).fill('not the password');
  await submit(page, 'Sign in');
  await shot('sign-in-refused');

  await signIn(phone.page, site.url, 'dana@example.com', PASSWORD);
  await screenshot(phone.page, path.join(IMAGES, 'portal-my-apps-320.png'));
  await createApp(phone.page, site.url, { name: 'weather-widget' });
  await screenshot(phone.page, path.join(IMAGES, 'portal-app-created-320.png'));
  expect(created.clientSecret).not.toBe('');
  await phone.close();
  await desktop.context.close();
});
