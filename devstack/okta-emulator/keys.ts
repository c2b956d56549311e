// The authorization server's signing keys, with Okta's three states. All of them are published at /v1/keys;
// only the ACTIVE one signs.
import { createHash, generateKeyPair, type JsonWebKey, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

import type { KeyStatus, KeySummary } from './control-api';

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

async function newKey(status: KeyStatus): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateRsa('rsa', { modulusLength: 2048 });
  const { e, n } = publicKey.export({ format: 'jwk' }) as Required<Pick<JsonWebKey, 'e' | 'n'>>;
  // RFC 7638 thumbprint: 43 base64url characters, the same look as Okta's kids.
  const kid = createHash('sha256').update(JSON.stringify({ e, kty: 'RSA', n })).digest('base64url');
  return { kid, status, privateKey, publicJwk: { kty: 'RSA', alg: 'RS256', kid, use: 'sig', e, n } };
}

export class KeyRing {
  /** Oldest first. */
  private keys: SigningKey[];

  private constructor(keys: SigningKey[]) {
    this.keys = keys;
  }

  /** An ACTIVE key and a NEXT key published ahead of its promotion, as an Okta org usually shows. */
  static async create(): Promise<KeyRing> {
    return new KeyRing(await Promise.all([newKey('ACTIVE'), newKey('NEXT')]));
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
  }

  /** NEXT becomes ACTIVE; the old ACTIVE key becomes EXPIRED and stays published. False when there is no NEXT key. */
  promote(): boolean {
    const next = this.keys.find((k) => k.status === 'NEXT');
    if (!next) return false;
    this.active.status = 'EXPIRED';
    next.status = 'ACTIVE';
    this.trim();
    return true;
  }

  /** A brand-new key, never published before, signs from now on; the old ACTIVE key becomes EXPIRED. */
  async emergency(): Promise<void> {
    const fresh = await newKey('ACTIVE');
    this.active.status = 'EXPIRED';
    this.keys.push(fresh);
    this.trim();
  }

  /** Withdraws a NEXT or EXPIRED key from the published set. False when there is no such key or it is ACTIVE. */
  remove(kid: string): boolean {
    const key = this.keys.find((k) => k.kid === kid);
    if (!key || key.status === 'ACTIVE') return false;
    this.keys = this.keys.filter((k) => k !== key);
    return true;
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
