import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { generateApiToken } from '../okta-emulator/api-token';
import { NotJsonError, readJsonFile, writeOwnerOnlyFile } from '../owner-only-file';

/** The local stack's credentials: generated on first run, kept in the data directory, reused afterwards. */
export interface StackSecrets {
  SIDECAR_ADMIN_TOKEN: string;
  SIDECAR_GATEWAY_TOKEN: string;
  SIDECAR_ENCRYPTION_KEY: string;
  OKTA_EMULATOR_API_TOKEN: string;
}

export const SECRETS_FILE = 'secrets.json';

function generate(): StackSecrets {
  return {
    SIDECAR_ADMIN_TOKEN: `adm_${randomBytes(32).toString('base64url')}`,
    SIDECAR_GATEWAY_TOKEN: `gw_${randomBytes(32).toString('base64url')}`,
    SIDECAR_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    OKTA_EMULATOR_API_TOKEN: generateApiToken(),
  };
}

function readStoredSecrets(file: string): Partial<StackSecrets> | undefined {
  try {
    return readJsonFile(file) as Partial<StackSecrets> | undefined;
  } catch (err) {
    if (!(err instanceof NotJsonError)) throw err;
    throw new Error(`${file} is not valid JSON: fix or remove it (removing it makes the stored data unreadable)`);
  }
}

/** The secrets of a stack that ran in `dataDir` before, or undefined when it never did. Never creates anything. */
export function readSecrets(dataDir: string): Partial<StackSecrets> | undefined {
  return readStoredSecrets(path.join(dataDir, SECRETS_FILE));
}

/**
 * Reads `<dataDir>/secrets.json`, creating the directory (0700) and the file (0600) on first run. A key missing
 * from an older file is generated and saved. The encryption key must never change once data was written with it:
 * the file is only ever added to.
 */
export function loadOrCreateSecrets(dataDir: string): { secrets: StackSecrets; created: boolean } {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, SECRETS_FILE);
  const stored = readStoredSecrets(file) ?? {};
  const secrets = { ...generate(), ...stored };
  const created = Object.keys(secrets).some((key) => !(key in stored));
  // Written atomically: a run killed mid-write must not leave a torn file that loses the encryption key.
  if (created) writeOwnerOnlyFile(file, `${JSON.stringify(secrets, null, 2)}\n`);
  // Tighten a file copied in with looser permissions.
  fs.chmodSync(file, 0o600);
  return { secrets, created };
}
