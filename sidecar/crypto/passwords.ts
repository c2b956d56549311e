import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

/**
 * Password hashing with node:crypto's scrypt (the KDF is the library; only the encoding of its parameters is
 * ours, because node ships no PHC-string helper). N=2^15, r=8, p=1 as OWASP recommends; 128*N*r = 32 MiB per
 * hash, above node's default memory cap, hence maxmem.
 */
const COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const MAX_MEMORY = 64 * 1024 * 1024;

type ScryptParams = { N: number; r: number; p: number };
const scrypt = promisify(scryptCallback) as (
  password: string,
  salt: Buffer,
  length: number,
  options: ScryptParams & { maxmem: number },
) => Promise<Buffer>;

/** `$scrypt$ln=15,r=8,p=1$<salt>$<key>` (base64, no padding): parameters travel with the hash. */
function encode({ N, r, p }: ScryptParams, salt: Buffer, key: Buffer): string {
  const b64 = (value: Buffer) => value.toString('base64').replace(/=+$/, '');
  return `$scrypt$ln=${Math.log2(N)},r=${r},p=${p}$${b64(salt)}$${b64(key)}`;
}

function decode(encoded: string): { params: ScryptParams; salt: Buffer; key: Buffer } | undefined {
  const match = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(encoded);
  if (!match) return undefined;
  const [, ln, r, p, salt, key] = match;
  return {
    params: { N: 2 ** Number(ln), r: Number(r), p: Number(p) },
    salt: Buffer.from(salt!, 'base64'),
    key: Buffer.from(key!, 'base64'),
  };
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  return encode(COST, salt, await scrypt(password, salt, KEY_LENGTH, { ...COST, maxmem: MAX_MEMORY }));
}

/** Computed once: what an unknown email's password is checked against, so that it costs the same time. */
let dummyHash: Promise<string> | undefined;

/**
 * True when `password` matches `encoded`. With `encoded` undefined (no such account, or no password set yet)
 * the KDF still runs, against a dummy hash, and the answer is false: the time taken says nothing.
 */
export async function verifyPassword(password: string, encoded: string | null | undefined): Promise<boolean> {
  dummyHash ??= hashPassword(randomBytes(SALT_LENGTH).toString('hex'));
  const real = encoded ? decode(encoded) : undefined;
  const stored = real ?? decode(await dummyHash)!;
  const key = await scrypt(password, stored.salt, stored.key.length, { ...stored.params, maxmem: MAX_MEMORY });
  return real !== undefined && timingSafeEqual(key, stored.key);
}
