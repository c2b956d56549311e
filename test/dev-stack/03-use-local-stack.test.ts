/**
 * The preload of the npm scripts that run one part alone (`node -r dist/devstack/stack/use-local-stack.js ...`):
 * beside a stack that `npm start` made, `npm run reconcile` needs no variable at all.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { localStackVariables, withLocalStackDefaults } from '../../devstack/stack/local-environment';
import { loadOrCreateSecrets } from '../../devstack/stack/secrets';

const DIST = path.resolve(__dirname, '../../dist');
const PRELOAD = path.join(DIST, 'devstack/stack/use-local-stack.js');
const RECONCILE = path.join(DIST, 'sidecar/reconcile.js');

function reconcile(env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['-r', PRELOAD, RECONCILE], { env, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The environment of a shell where no variable of the stack is set. */
const bareEnv = (dataDir: string): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, SIDECAR_DATA_DIR: dataDir });

describe('the local stack preload', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'use-local-stack-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("runs reconcile with the stack's secrets when data/secrets.json exists and nothing is set", async () => {
    const { secrets } = loadOrCreateSecrets(dataDir);
    const { code, stdout, stderr } = await reconcile(bareEnv(dataDir));
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ fix: false, data: [] });
    expect(stderr).toContain('SIDECAR_ADMIN_TOKEN');
    for (const secret of Object.values(secrets)) expect(stdout + stderr).not.toContain(secret);
  });

  it('changes nothing without data/secrets.json: reconcile still names the missing variable', async () => {
    const { code, stderr } = await reconcile(bareEnv(dataDir));
    expect(code).toBe(1);
    expect(stderr).toContain('SIDECAR_ADMIN_TOKEN is required');
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('fills only the variables left unset or empty, what the environment sets wins', () => {
    const env: NodeJS.ProcessEnv = { SIDECAR_ADMIN_TOKEN: 'mine', SIDECAR_DATA_DIR: '' };
    const taken = withLocalStackDefaults(env, localStackVariables('/data', '/repo/kong.yml', { SIDECAR_ADMIN_TOKEN: 'stack', SIDECAR_GATEWAY_TOKEN: 'gw' }));
    expect(env).toEqual({
      SIDECAR_ADMIN_TOKEN: 'mine',
      SIDECAR_GATEWAY_TOKEN: 'gw',
      SIDECAR_DATA_DIR: '/data',
      SIDECAR_KONG_DECLARATIVE_CONFIG: '/repo/kong.yml',
      OKTA_EMULATOR_DATA_DIR: path.join('/data', 'okta-emulator'),
    });
    expect(taken.sort()).toEqual(['OKTA_EMULATOR_DATA_DIR', 'SIDECAR_DATA_DIR', 'SIDECAR_GATEWAY_TOKEN', 'SIDECAR_KONG_DECLARATIVE_CONFIG']);
  });
});
