import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

const MAIN = path.resolve(__dirname, '../../dist/devstack/oidc-dcr-server/main.js');

/**
 * An RFC 7591/7592 registration server (oidc-provider, as a child process: jest cannot load it) for the
 * openid_connect driver's tests. Needs `npm run build`.
 */
export async function startOidcDcrServer(options: { initialAccessToken?: string } = {}) {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, OIDC_DCR_PORT: '0', OIDC_DCR_INITIAL_ACCESS_TOKEN: options.initialAccessToken ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4096)));
  const ready = await new Promise<{ issuer: string }>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve(JSON.parse(line)));
    child.once('exit', (code) => reject(new Error(`oidc-dcr-server exited (${code}) before ready: ${stderr}`)));
  });
  return {
    issuer: ready.issuer,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export type OidcDcrServer = Awaited<ReturnType<typeof startOidcDcrServer>>;
