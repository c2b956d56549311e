import { hashPassword, verifyPassword } from '../../sidecar/crypto/passwords';

describe('sidecar password hashing', () => {
  it('hashes with scrypt N=2^15, r=8, p=1 and a fresh salt, never holding the password', async () => {
    const [one, two] = await Promise.all([hashPassword('correct horse battery'), hashPassword('correct horse battery')]);
    expect(one).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(one).not.toBe(two);
    expect(one).not.toContain('correct');
  });

  it('returns true only for the password that was hashed', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
  });

  it('returns false without a hash (unknown email, no password yet) or with a malformed one, after running the KDF all the same', async () => {
    expect(await verifyPassword('anything', undefined)).toBe(false);
    expect(await verifyPassword('anything', null)).toBe(false);
    expect(await verifyPassword('anything', '$scrypt$garbage')).toBe(false);
  });
});
