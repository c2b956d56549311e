/**
 * The portal's listener on a real loopback port, for a browser: its public URL is that very origin, so the
 * pages' Origin checks see what a browser sends.
 */
import type { AccountSettings } from '../../sidecar/domain/accounts/settings';
import { freePort } from './console';
import { type TestPortal, startTestPortal } from './portal-app';
import type { TestDatabase } from './sidecar-databases';

export interface ListeningPortal extends TestPortal {
  /** `http://127.0.0.1:<port>` */
  url: string;
}

export async function startListeningPortal(createDatabase: () => Promise<TestDatabase>, settings: Partial<AccountSettings> = {}): Promise<ListeningPortal> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const portal = await startTestPortal(createDatabase, { settings: { requireEmailVerification: false, autoApproveDevelopers: true, ...settings, portalUrl: url } });
  await portal.portal.listen({ port, host: '127.0.0.1' });
  return { ...portal, url };
}
