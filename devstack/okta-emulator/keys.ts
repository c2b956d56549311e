// The authorization server's signing keys, with Okta's three states. All of them are published at /v1/keys;
// only the ACTIVE one signs. With a data directory they are kept in keys.json (private keys, owner-only), so the
// tokens issued before a restart still verify after it.
import { createHash, createPrivateKey, createPublicKey, generateKeyPair, type JsonWebKey, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

import type { KeyStatus, KeySummary } from './control-api';
import { stateFile, type StateFile } from './state-file';

const generateRsa = promisify(generateKeyPair);

export interface PublicJwk {
  kty: 'RSA';
  alg: 'RS256';
  kid: string;
  use: 'sig';
  e: string;
  n: string;
}

export interface SigningKey {
  kid: string;
  status: KeyStatus;
  privateKey: KeyObject;
  publicJwk: PublicJwk;
}

/** Okta publishes two or three keys: never more than this. */
const MAX_PUBLISHED = 3;

const STATUSES: readonly KeyStatus[] = ['ACTIVE', 'NEXT', 'EXPIRED'];

/** A key as keys.json keeps it. */
interface StoredKey {
  status: KeyStatus;
  privateJwk: JsonWebKey;
}

function signingKey(privateKey: KeyObject, status: KeyStatus): SigningKey {
  const { e, n } = createPublicKey(privateKey).export({ format: 'jwk' }) as Required<Pick<JsonWebKey, 'e' | 'n'>>;
  // RFC 7638 thumbprint: 43 base64url characters, the same look as Okta's kids.
  const kid = createHash('sha256').update(JSON.stringify({ e, kty: 'RSA', n })).digest('base64url');
  return { kid, status, privateKey, publicJwk: { kty: 'RSA', alg: 'RS256', kid, use: 'sig', e, n } };
}

async function newKey(status: KeyStatus): Promise<SigningKey> {
  const { privateKey } = await generateRsa('rsa', { modulusLength: 2048 });
  return signingKey(privateKey, status);
}

/** keys.json as the last run wrote it: one ACTIVE key among RSA private keys, or the file is refused. */
function storedKeys(stored: unknown, file: string): SigningKey[] {
  const list = (stored as { keys?: unknown } | null)?.keys;
  const bad = (): never => {
    throw new Error(`${file} does not hold the emulator's keys: remove it to start with new keys`);
  };
  if (!Array.isArray(list)) return bad();
  const keys = list.map((entry: Partial<StoredKey>) => {
    if (!entry || !STATUSES.includes(entry.status as KeyStatus) || entry.privateJwk?.kty !== 'RSA') return bad();
    return signingKey(createPrivateKey({ key: entry.privateJwk, format: 'jwk' }), entry.status as KeyStatus);
  });
  if (keys.filter((k) => k.status === 'ACTIVE').length !== 1) bad();
  return keys;
}

export class KeyRing {
  /** Oldest first. */
  private keys: SigningKey[];

  private constructor(
    keys: SigningKey[],
    private readonly file: StateFile,
  ) {
    this.keys = keys;
  }

  /**
   * The keys the data directory keeps, or on a first run (and without one) an ACTIVE key and a NEXT key published
   * ahead of its promotion, as an Okta org usually shows.
   */
  static async open(dataDir?: string): Promise<KeyRing> {
    const file = stateFile(dataDir, 'keys.json');
    const stored = file.load();
    if (stored !== undefined) return new KeyRing(storedKeys(stored, file.name), file);
    const ring = new KeyRing(await Promise.all([newKey('ACTIVE'), newKey('NEXT')]), file);
    ring.save();
    return ring;
  }

  get active(): SigningKey {
    return this.keys.find((k) => k.status === 'ACTIVE')!;
  }

  /** A published key by kid or by status (the newest one with that status). */
  find(kidOrStatus: string): SigningKey | undefined {
    return [...this.keys].reverse().find((k) => k.kid === kidOrStatus || k.status === kidOrStatus);
  }

  summary(): KeySummary {
    return { keys: this.keys.map(({ kid, status }) => ({ kid, status })) };
  }

  jwks(): { keys: PublicJwk[] } {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  /** Publishes a new NEXT key (it does not sign yet). A previous NEXT key, which never signed, is withdrawn. */
  async addNext(): Promise<void> {
    const next = await newKey('NEXT');
    this.keys = [...this.keys.filter((k) => k.status !== 'NEXT'), next];
    this.trim();
    this.save();
  }

  /** NEXT becomes ACTIVE; the old ACTIVE key becomes EXPIRED and stays published. False when there is no NEXT key. */
  promote(): boolean {
    const next = this.keys.find((k) => k.status === 'NEXT');
    if (!next) return false;
    this.active.status = 'EXPIRED';
    next.status = 'ACTIVE';
    this.trim();
    this.save();
    return true;
  }

  /** A brand-new key, never published before, signs from now on; the old ACTIVE key becomes EXPIRED. */
  async emergency(): Promise<void> {
    const fresh = await newKey('ACTIVE');
    this.active.status = 'EXPIRED';
    this.keys.push(fresh);
    this.trim();
    this.save();
  }

  /** Withdraws a NEXT or EXPIRED key from the published set. False when there is no such key or it is ACTIVE. */
  remove(kid: string): boolean {
    const key = this.keys.find((k) => k.kid === kid);
    if (!key || key.status === 'ACTIVE') return false;
    this.keys = this.keys.filter((k) => k !== key);
    this.save();
    return true;
  }

  private save(): void {
    const keys: StoredKey[] = this.keys.map((k) => ({ status: k.status, privateJwk: k.privateKey.export({ format: 'jwk' }) }));
    this.file.save({ keys });
  }

  /** Drops the oldest EXPIRED keys until at most MAX_PUBLISHED remain. */
  private trim(): void {
    while (this.keys.length > MAX_PUBLISHED) {
      const oldest = this.keys.findIndex((k) => k.status === 'EXPIRED');
      if (oldest < 0) return;
      this.keys.splice(oldest, 1);
    }
  }
}
