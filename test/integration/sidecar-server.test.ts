import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import axios from 'axios';

const SERVER = path.resolve(__dirname, '../../dist/sidecar/server.js');

/** Runs the built server until it prints `until` on stderr/stdout or exits; returns its output and exit code. */
function run(env: NodeJS.ProcessEnv, until?: RegExp): Promise<{ output: string; code: number | null; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [SERVER], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (until?.test(output)) resolve({ output, code: null, stop });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => resolve({ output, code, stop }));
  });
}

describe('sidecar server (npm run sidecar)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sidecar-server-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const secrets = {
    SIDECAR_ADMIN_TOKEN: randomBytes(32).toString('base64url'),
    SIDECAR_GATEWAY_TOKEN: randomBytes(32).toString('base64url'),
    SIDECAR_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  };

  it('exits with a message naming SIDECAR_ENCRYPTION_KEY when it is missing', async () => {
    const { output, code } = await run({ ...secrets, SIDECAR_ENCRYPTION_KEY: '', SIDECAR_DATA_DIR: dataDir });
    expect(code).toBe(1);
    expect(output).toContain('SIDECAR_ENCRYPTION_KEY is required');
  });

  it('starts on SIDECAR_PORT with SQLite in SIDECAR_DATA_DIR and answers /readyz, and the portal on PORTAL_PORT answers only /api/v2', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const portalPort = port + 1;
    const server = await run(
      { ...secrets, SIDECAR_PORT: String(port), PORTAL_PORT: String(portalPort), SIDECAR_DATA_DIR: dataDir },
      /Server listening[\s\S]*Server listening/,
    );
    try {
      const ready = await axios.get(`http://127.0.0.1:${port}/readyz`, { validateStatus: () => true });
      expect(ready.status).toBe(200);
      const context = await axios.get(`http://127.0.0.1:${portalPort}/api/v2/portal`, { validateStatus: () => true });
      expect(context.status).toBe(200);
      expect(context.data.canonical_domain).toBe(`127.0.0.1:${portalPort}`);
      expect((await axios.get(`http://127.0.0.1:${portalPort}/readyz`, { validateStatus: () => true })).status).toBe(404);
      expect(fs.existsSync(path.join(dataDir, 'sidecar.db'))).toBe(true);
      expect(server.output).not.toContain(secrets.SIDECAR_ADMIN_TOKEN);
    } finally {
      await server.stop();
    }
  });
});
