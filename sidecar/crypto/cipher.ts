import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** An AES-256-GCM key and the id written into every ciphertext it produces. */
export interface EncryptionKey {
  id: string;
  key: Buffer;
}

/** Encrypts secrets at rest; decrypts with whichever known key the ciphertext names, so keys can be rotated. */
export interface Cipher {
  encrypt(plaintext: string): string;
  decrypt(ciphertext: string): string;
}

const FORMAT = 'v1';
const IV_BYTES = 12;

/** The key id is derived from the key itself so that operators only ever configure keys, never ids. */
export function encryptionKey(key: Buffer): EncryptionKey {
  if (key.length !== 32) throw new Error('an AES-256 key is 32 bytes');
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 12), key };
}

/**
 * Ciphertext format: `v1.<key id>.<iv>.<ciphertext>.<tag>` (base64url parts).
 * `active` encrypts; `previous` keys only decrypt (what remains of a rotation).
 */
export function createCipher(active: EncryptionKey, previous: EncryptionKey[] = []): Cipher {
  const keys = new Map([active, ...previous].map((k) => [k.id, k.key]));
  return {
    encrypt(plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', active.key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [FORMAT, active.id, iv, body, cipher.getAuthTag()]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
        .join('.');
    },
    decrypt(ciphertext) {
      const [format, keyId, iv, body, tag] = ciphertext.split('.');
      if (format !== FORMAT || !keyId || iv === undefined || body === undefined || tag === undefined) {
        throw new Error('not a ciphertext of this format');
      }
      const key = keys.get(keyId);
      if (!key) throw new Error(`no encryption key with id ${keyId}`);
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}
