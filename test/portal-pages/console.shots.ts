/**
 * `npm run screenshots`: the admin console's pages in Chromium at a desktop width (and the developers page at
 * 320 px), written to docs/img/console-*.png. Not part of `npm test` (it rewrites committed files); the console's
 * page tests check the same pages.
 */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium, openWatchedPage, screenshot } from '../support/browser';
import { CONSOLE_PAGES, type TestConsole, freePort, startTestConsole } from '../support/console';
import { type OktaEmulatorFixture, startOktaEmulator } from '../support/okta-emulator';
import { sqliteTestDatabase } from '../support/sidecar-databases';

const IMAGES = path.resolve(__dirname, '../../docs/img');

let okta: OktaEmulatorFixture;
let t: TestConsole;
let browser: Browser;

beforeAll(async () => {
  okta = await startOktaEmulator();
  t = await startTestConsole(sqliteTestDatabase, await freePort(), { names: 'plain', okta });
  await t.sidecar.app.listen({ port: Number(new URL(t.origin).port), host: '127.0.0.1' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
  await okta?.stop();
});

it('writes the console pages to docs/img/console-*.png', async () => {
  const desktop = await openWatchedPage(browser);
  const { page } = desktop;
  const shot = (name: string) => screenshot(page, path.join(IMAGES, `console-${name}.png`));

  await page.goto(`${t.origin}/admin/`);
  await shot('sign-in');
  await page.getByLabel('Admin token').fill(t.sidecar.adminToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Developers' }).waitFor();
  for (const [, pathname] of CONSOLE_PAGES) {
    await page.goto(`${t.origin}${pathname}`);
    await shot(pathname.split('/')[2]!);
  }
  await page.goto(`${t.origin}/admin/apis/orders/publish`);
  await shot('apis-publish');
  await page.goto(`${t.origin}/admin/dcr-providers/new/okta`);
  await shot('dcr-providers-new');
  await page.goto(`${t.origin}/admin/applications`);
  await page.getByRole('button', { name: /^Delete/ }).first().click();
  await shot('applications-delete-confirm');

  const phone = await openWatchedPage(browser, { viewport: { width: 320, height: 640 } });
  await phone.context.addCookies(await desktop.context.cookies());
  await phone.page.goto(`${t.origin}/admin/developers`);
  await screenshot(phone.page, path.join(IMAGES, 'console-developers-320.png'));
  await phone.close();
  await desktop.close();
});
