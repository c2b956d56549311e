import fs = require('node:fs');
import os = require('node:os');
import path = require('node:path');
import { loadOrCreateSecrets, SECRETS_FILE } from '../../devstack/stack/secrets';

describe('loadOrCreateSecrets', () => {
  let root: string;
  let dataDir: string;
  const secretsFile = () => path.join(dataDir, SECRETS_FILE);
  const mode = (file: string) => fs.statSync(file).mode & 0o777;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'stack-secrets-'));
    dataDir = path.join(root, 'data');
  });

  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('creates the data directory and an owner-only secrets file on first run, and reuses it afterwards', () => {
    const first = loadOrCreateSecrets(dataDir);
    const second = loadOrCreateSecrets(dataDir);

    expect(first.created).toBe(true);
    expect(second).toEqual({ secrets: first.secrets, created: false });
    expect(Object.keys(first.secrets).sort()).toEqual(['OKTA_EMULATOR_API_TOKEN', 'SIDECAR_ADMIN_TOKEN', 'SIDECAR_ENCRYPTION_KEY', 'SIDECAR_GATEWAY_TOKEN']);
    expect(Buffer.from(first.secrets.SIDECAR_ENCRYPTION_KEY, 'base64')).toHaveLength(32);
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(secretsFile())).toBe(0o600);
    expect(fs.readdirSync(dataDir)).toEqual([SECRETS_FILE]);
  });

  it('keeps every stored value of an older file, adds the missing ones and tightens its permissions', () => {
    fs.mkdirSync(dataDir);
    fs.writeFileSync(secretsFile(), JSON.stringify({ SIDECAR_ENCRYPTION_KEY: 'kept-key', SIDECAR_ADMIN_TOKEN: 'kept-admin' }), { mode: 0o644 });

    const { secrets, created } = loadOrCreateSecrets(dataDir);

    expect(created).toBe(true);
    expect(secrets).toMatchObject({ SIDECAR_ENCRYPTION_KEY: 'kept-key', SIDECAR_ADMIN_TOKEN: 'kept-admin' });
    expect(secrets.SIDECAR_GATEWAY_TOKEN).toMatch(/^gw_/);
    expect(JSON.parse(fs.readFileSync(secretsFile(), 'utf8'))).toEqual(secrets);
    expect(mode(secretsFile())).toBe(0o600);
  });

  it('refuses a secrets file that is not JSON, naming it, and leaves it as it was', () => {
    fs.mkdirSync(dataDir);
    fs.writeFileSync(secretsFile(), '{"SIDECAR_ENCRYPTION_KEY": ');

    expect(() => loadOrCreateSecrets(dataDir)).toThrow(`${secretsFile()} is not valid JSON`);
    expect(fs.readFileSync(secretsFile(), 'utf8')).toBe('{"SIDECAR_ENCRYPTION_KEY": ');
  });
});
