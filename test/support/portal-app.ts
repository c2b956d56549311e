import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { AppOptions } from '../../sidecar/app';
import type { AccountSettings } from '../../sidecar/domain/accounts/settings';
import { type PortalAppOptions, buildPortalApp } from '../../sidecar/portal/app';
import { type TestSidecar, startTestSidecar } from './sidecar-app';
import type { TestDatabase } from './sidecar-databases';
import { type ReadMail, lastMailTo } from './mailbox';

export { TEST_PORTAL_URL } from './sidecar-app';

export interface TestPortal {
  sidecar: TestSidecar;
  portal: FastifyInstance;
  /** A request to the portal's listener. */
  call(options: InjectOptions): Promise<LightMyRequestResponse>;
  /** The newest mail to `email`. */
  mailTo(email: string): ReadMail;
  close(): Promise<void>;
}

export interface TestPortalOptions {
  settings?: Partial<AccountSettings>;
  portal?: Partial<PortalAppOptions>;
  sidecar?: Partial<AppOptions>;
}

/** The sidecar's listener and the portal's listener on one fresh database, their mails in one folder. */
export async function startTestPortal(
  createDatabase: () => Promise<TestDatabase>,
  { settings = {}, portal: portalOverrides = {}, sidecar: sidecarOverrides = {} }: TestPortalOptions = {},
): Promise<TestPortal> {
  const sidecar = await startTestSidecar(sidecarOverrides, createDatabase, settings);
  const portal = await buildPortalApp({
    store: sidecar.store,
    accounts: sidecar.options.accounts,
    useCases: sidecar.app.useCases,
    allowedOrigins: [],
    trustedProxies: [],
    ...(sidecar.options.logStream && { logStream: sidecar.options.logStream }),
    ...portalOverrides,
  });
  await portal.ready();
  return {
    sidecar,
    portal,
    call: (options) => portal.inject(options),
    mailTo: (email) => lastMailTo(sidecar.mailDir, email),
    async close() {
      await portal.close();
      await sidecar.close();
    },
  };
}

/** The `name=value` pairs of a response's Set-Cookie headers, for the next request's Cookie header. */
export function cookiesOf(response: LightMyRequestResponse): string {
  return response.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}
