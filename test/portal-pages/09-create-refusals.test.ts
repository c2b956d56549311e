/**
 * Create New Application in Chromium beyond the happy path: the IdP's refusal told in its own words, and a
 * self-managed strategy whose client the developer proves with its secret once (a wrong secret refused beside
 * its field, the right one kept nowhere).
 */
import type { Browser } from 'playwright-core';
import { PORTAL } from '../../sidecar/defaults';
import { launchChromium, openWatchedPage, seriousAxeViolations, type WatchedPage } from '../support/browser';
import { newEmail, PASSWORD } from '../support/portal-journey';
import { type PortalPages, field, signIn, signUp, startPortalPages, submit } from '../support/portal-pages';
import { selfManagedStrategy } from '../support/sidecar-fixtures';
import { sqliteTestDatabase } from '../support/sidecar-databases';

describe('Create New Application refusals and proof in Chromium', () => {
  let site: PortalPages;
  let browser: Browser;
  let selfManagedId: string;
  const opened: WatchedPage[] = [];

  beforeAll(async () => {
    site = await startPortalPages(sqliteTestDatabase);
    selfManagedId = await selfManagedStrategy(site.portal.sidecar, site.okta.issuer);
    await site.portal.sidecar.admin({ method: 'PATCH', url: `/v2/application-auth-strategies/${selfManagedId}`, payload: { display_name: 'Existing Okta clients' } });
    const api = await site.portal.sidecar.admin({ method: 'POST', url: '/v3/apis', payload: { name: 'orders' } });
    await site.portal.sidecar.admin({ method: 'PUT', url: `/v3/apis/${api.json().id}/publications/${PORTAL.id}`, payload: { auth_strategy_ids: [selfManagedId] } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await Promise.all(opened.map((watched) => watched.context.close()));
    await browser?.close();
    await site?.close();
  });

  async function signedIn(): Promise<WatchedPage> {
    const watched = await openWatchedPage(browser);
    opened.push(watched);
    const email = newEmail('create');
    await signUp(watched.page, site.url, { fullName: 'Sam Self', email, password: PASSWORD });
    await signIn(watched.page, site.url, email, PASSWORD);
    await watched.page.goto(`${site.url}/apps/new`);
    return watched;
  }

  const applicationsOf = async () => (await site.portal.sidecar.admin({ url: '/v2/applications?page[size]=100' })).json().data as { name: string }[];

  it("returns 502 with the IdP's refusal in its own words above the form, the name kept, and creates nothing", async () => {
    const { page, problems } = await signedIn();
    await site.okta.control.fault({
      path: '/oauth2/v1/clients',
      status: 400,
      body: { error: 'invalid_client_metadata', error_description: 'client_name: The field cannot be left blank' },
      times: 1,
    });
    await page.getByLabel('Auth strategy', { exact: true }).selectOption({ label: 'Okta client credentials' });
    await field(page, 'Name').fill('refused-app');
    const response = await submit(page, 'Create');
    expect(response.status()).toBe(502);
    expect(await page.getByRole('alert').textContent()).toBe(
      'The identity provider refused: client_name: The field cannot be left blank (invalid_client_metadata)',
    );
    expect(await field(page, 'Name').inputValue()).toBe('refused-app');
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect((await applicationsOf()).map((a) => a.name)).not.toContain('refused-app');
    expect(problems()).toEqual([]);
  });

  it('shows the client fields only for a self-managed strategy, refuses a wrong secret beside its field with 400, and takes the client with its right secret, storing none of it', async () => {
    const { page, problems } = await signedIn();
    const fieldset = page.locator('#self-managed-client');
    await page.getByLabel('Auth strategy', { exact: true }).selectOption({ label: 'Okta client credentials' });
    expect(await fieldset.isVisible()).toBe(false);
    await page.getByLabel('Auth strategy', { exact: true }).selectOption({ label: 'Existing Okta clients (bring your own client)' });
    expect(await fieldset.isVisible()).toBe(true);
    const client = await site.okta.dcr.createClient();
    await field(page, 'Name').fill('own-client-app');
    await field(page, 'Client ID').fill(client.client_id);
    await field(page, 'Client Secret').fill('not-the-secret');
    expect((await submit(page, 'Create')).status()).toBe(400);
    expect(await page.locator('#field-client_secret-error').textContent()).toContain('the issuer refused these client credentials');
    expect(await field(page, 'Client ID').inputValue()).toBe(client.client_id);
    expect(await field(page, 'Client Secret').inputValue()).toBe('');

    await page.getByLabel('Auth strategy', { exact: true }).selectOption({ label: 'Existing Okta clients (bring your own client)' });
    await field(page, 'Client Secret').fill(client.client_secret!);
    const created = await submit(page, 'Create');
    expect(created.status()).toBe(200);
    expect(await page.getByText('confirmed that you hold this client').isVisible()).toBe(true);
    expect(await page.content()).not.toContain(client.client_secret!);
    expect(await site.portal.sidecar.database.rawContents()).not.toContain(client.client_secret!);
    await page.getByRole('link', { name: 'Proceed' }).click();
    await page.waitForLoadState('load');
    expect(await page.getByText('Existing Okta clients (your own client)').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Refresh secret' }).count()).toBe(0);
    expect(problems()).toEqual([]);
  });

  it('creates an application with the keyboard alone, each focused control outlined', async () => {
    const { page, problems } = await signedIn();
    /** Tabs until the element matching `selector` has focus; its outline must show. */
    const tabTo = async (selector: string) => {
      for (let presses = 0; presses < 25; presses++) {
        await page.keyboard.press('Tab');
        if (await page.locator(selector).evaluate((element) => element === element.ownerDocument.activeElement)) {
          expect(await page.evaluate('getComputedStyle(document.activeElement).outlineStyle')).not.toBe('none');
          return;
        }
      }
      throw new Error(`${selector} never got the focus`);
    };
    await tabTo('#field-name');
    await page.keyboard.type('keyboard-app');
    await tabTo('#field-description');
    await page.keyboard.type('Typed, not clicked');
    await tabTo('#field-auth_strategy_id');
    // The strategies in name order: "Existing Okta clients" first, then "Okta client credentials".
    await page.keyboard.press('ArrowDown');
    expect(await page.locator('#field-auth_strategy_id').inputValue()).toBe(site.strategyId);
    await tabTo('button[type="submit"]:text("Create")');
    await Promise.all([page.waitForURL(`${site.url}/apps`), page.keyboard.press('Enter')]);
    expect(await page.getByRole('heading', { name: 'Application created' }).isVisible()).toBe(true);
    await tabTo('a:text("Proceed")');
    await Promise.all([page.waitForURL(/\/apps\/[0-9a-f-]{36}$/), page.keyboard.press('Enter')]);
    expect(await page.getByRole('heading', { name: 'keyboard-app', level: 1 }).isVisible()).toBe(true);
    expect(problems()).toEqual([]);
  });
});
