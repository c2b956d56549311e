/**
 * The portal's pages on a real port for a browser: a sidecar and portal on one fresh database, the local
 * Okta-compatible server behind an okta DCR provider, and `demo` published with that strategy. Plus the steps of
 * the developer journey as a person does them in the browser (labels and button names, as on the pages).
 */
import type { Page, Response } from 'playwright-core';
import { PORTAL } from '../../sidecar/defaults';
import type { AccountSettings } from '../../sidecar/domain/accounts/settings';
import { freePort } from './console';
import { type OktaEmulatorFixture, startOktaEmulator } from './okta-emulator';
import { type TestPortal, startTestPortal } from './portal-app';
import { oktaStrategy } from './sidecar-fixtures';
import type { TestDatabase } from './sidecar-databases';
import { DEMO_OPENAPI } from '../../devstack/demo-openapi';

export interface PortalPages {
  /** The portal's origin, e.g. http://127.0.0.1:41234. */
  url: string;
  portal: TestPortal;
  okta: OktaEmulatorFixture;
  strategyId: string;
  close(): Promise<void>;
}

/**
 * Developers are approved at sign-up and need no verification unless `settings` says otherwise; `gatewayUrl` is
 * what the pages' commands name (unset: `$GATEWAY`).
 */
export async function startPortalPages(
  createDatabase: () => Promise<TestDatabase>,
  { settings = {}, gatewayUrl }: { settings?: Partial<AccountSettings>; gatewayUrl?: string } = {},
): Promise<PortalPages> {
  const okta = await startOktaEmulator();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const portal = await startTestPortal(createDatabase, {
    settings: { portalUrl: url, autoApproveDevelopers: true, requireEmailVerification: false, ...settings },
    ...(gatewayUrl && { portal: { gatewayUrl } }),
  });
  await portal.portal.listen({ port, host: '127.0.0.1' });
  const { strategyId } = await oktaStrategy(portal.sidecar, okta);
  const api = await portal.sidecar.admin({ method: 'POST', url: '/v3/apis', payload: { name: 'demo', description: 'The demo API', version: '1.0.0', spec_content: JSON.stringify(DEMO_OPENAPI) } });
  const published = await portal.sidecar.admin({
    method: 'PUT',
    url: `/v3/apis/${api.json().id}/publications/${PORTAL.id}`,
    payload: { auth_strategy_ids: [strategyId], visibility: 'public' },
  });
  if (published.statusCode >= 300) throw new Error(`publish demo: HTTP ${published.statusCode} ${published.body}`);
  return {
    url,
    portal,
    okta,
    strategyId,
    async close() {
      await portal.close();
      await okta.stop();
    },
  };
}

/** A field by its visible label, exactly. */
export const field = (page: Page, label: string) => page.getByLabel(label, { exact: true });

/** Clicks the button of this name and waits for the page it leads to; its response is returned. */
export async function submit(page: Page, button: string): Promise<Response> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().isNavigationRequest() && r.request().method() === 'POST'),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
  await page.waitForLoadState('load');
  return response;
}

export async function signUp(page: Page, base: string, person: { fullName: string; email: string; password: string }): Promise<void> {
  await page.goto(`${base}/register`);
  await field(page, 'Full name').fill(person.fullName);
  await field(page, 'Email').fill(person.email);
  await field(page, 'Password').fill(person.password);
  await submit(page, 'Sign up');
}

export async function signIn(page: Page, base: string, email: string, password: string): Promise<Response> {
  await page.goto(`${base}/login`);
  await field(page, 'Email').fill(email);
  await field(page, 'Password').fill(password);
  return submit(page, 'Sign in');
}

/**
 * My Apps -> New App -> Create New Application -> Create: the page with the credentials, its response, and the
 * form's fields as sent (to send the same form again).
 */
export async function createApp(page: Page, base: string, app: { name: string; description?: string }) {
  await page.goto(`${base}/apps`);
  await page.getByRole('link', { name: 'New App' }).first().click();
  await field(page, 'Name').fill(app.name);
  if (app.description !== undefined) await field(page, 'Description').fill(app.description);
  // What the browser is about to send (FormData leaves out what it would not send).
  const form = await page.evaluate<Record<string, string>>(`Object.fromEntries(new FormData(document.querySelector('form[action="/apps"]')))`);
  const response = await submit(page, 'Create');
  const clientId = (await page.locator('#client-id').textContent())?.trim() ?? '';
  const clientSecret = (await page.locator('#client-secret').textContent())?.trim() ?? '';
  return { response, clientId, clientSecret, form };
}
