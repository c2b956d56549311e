import { randomBytes } from 'node:crypto';
import { createCipher, encryptionKey } from '../../sidecar/crypto/cipher';
import { generateToken, hashToken, secretMatcher, secretsEqual, tokenDigest } from '../../sidecar/crypto/tokens';

describe('sidecar encryption at rest', () => {
  const key = encryptionKey(randomBytes(32));

  it('returns the plaintext after an encrypt/decrypt round trip, with the key id in the ciphertext', () => {
    const cipher = createCipher(key);
    const sealed = cipher.encrypt('s3cret value');
    expect(sealed).not.toContain('s3cret');
    expect(sealed.split('.')[1]).toBe(key.id);
    expect(cipher.decrypt(sealed)).toBe('s3cret value');
  });

  it('produces a different ciphertext for the same plaintext each time', () => {
    const cipher = createCipher(key);
    expect(cipher.encrypt('same')).not.toBe(cipher.encrypt('same'));
  });

  it('decrypts with a previous key after a rotation and encrypts with the new one', () => {
    const old = createCipher(key).encrypt('kept');
    const next = encryptionKey(randomBytes(32));
    const rotated = createCipher(next, [key]);
    expect(rotated.decrypt(old)).toBe('kept');
    expect(rotated.encrypt('new').split('.')[1]).toBe(next.id);
  });

  it('refuses a tampered ciphertext', () => {
    const cipher = createCipher(key);
    const parts = cipher.encrypt('value').split('.');
    parts[3] = Buffer.from('other').toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'))).toThrow();
  });

  it('refuses a ciphertext made with an unknown key', () => {
    const sealed = createCipher(encryptionKey(randomBytes(32))).encrypt('value');
    expect(() => createCipher(key).decrypt(sealed)).toThrow(/no encryption key/);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => encryptionKey(randomBytes(16))).toThrow(/32 bytes/);
  });
});

describe('sidecar tokens', () => {
  it('generates prefixed tokens that differ every time', () => {
    const a = generateToken('kdd');
    expect(a).toMatch(/^kdd_[A-Za-z0-9_-]{43}$/);
    expect(generateToken('kdd')).not.toBe(a);
  });

  it('hashes a token to a stable digest that does not contain it', () => {
    const token = generateToken('kdd');
    expect(hashToken(token)).toBe(hashToken(token));
    expect(hashToken(token)).not.toContain(token);
  });

  it('compares secrets of any length without throwing', () => {
    const isAbc = secretMatcher('abc');
    expect(isAbc(tokenDigest('abc'))).toBe(true);
    expect(isAbc(tokenDigest('abcd'))).toBe(false);
    expect(isAbc(tokenDigest(''))).toBe(false);
    expect(secretsEqual('abc', 'abc')).toBe(true);
    expect(secretsEqual('abc', 'abcd')).toBe(false);
  });

  it('takes hashToken as the hex of tokenDigest', () => {
    const token = generateToken('kdd');
    expect(tokenDigest(token).toString('hex')).toBe(hashToken(token));
  });
});
