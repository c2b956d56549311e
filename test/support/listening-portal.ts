/**
 * The portal's listener on a real loopback port, for a browser: its public URL is that very origin, so the
 * pages' Origin checks see what a browser sends.
 */
import net from 'node:net';
import type { AccountSettings } from '../../sidecar/domain/accounts/settings';
import { type TestPortal, startTestPortal } from './portal-app';
import type { TestDatabase } from './sidecar-databases';

export interface ListeningPortal extends TestPortal {
  /** `http://127.0.0.1:<port>` */
  url: string;
}

/** A port the system has just handed out, free again. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startListeningPortal(createDatabase: () => Promise<TestDatabase>, settings: Partial<AccountSettings> = {}): Promise<ListeningPortal> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const portal = await startTestPortal(createDatabase, { settings: { requireEmailVerification: false, autoApproveDevelopers: true, ...settings, portalUrl: url } });
  await portal.portal.listen({ port, host: '127.0.0.1' });
  return { ...portal, url };
}
