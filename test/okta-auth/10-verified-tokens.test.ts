import { createSecretKey } from 'node:crypto';
import {
  forgetKeys,
  MAX_VERIFIED_TOKENS,
  rememberSignature,
  tokenDigest,
  verifiedSignature,
  verifiedTokenStats,
} from '../../plugins/okta-auth/verified-tokens';

const now = Math.floor(Date.now() / 1000);
const entry = (kid: string, jwksUri = 'https://idp/keys') => ({ jwksUri, kid, key: createSecretKey(Buffer.from(kid)), claims: { exp: now + 3600 } });

describe('verified-token cache', () => {
  it('keys entries by the whole token, signature included', () => {
    rememberSignature(tokenDigest('h.p.s1'), 6, entry('k1'), now);
    expect(verifiedSignature(tokenDigest('h.p.s1'))?.kid).toBe('k1');
    expect(verifiedSignature(tokenDigest('h.p.s2'))).toBeUndefined();
  });

  it('never remembers a token past any leeway', () => {
    rememberSignature(tokenDigest('old'), 3, { ...entry('k1'), claims: { exp: now - 601 } }, now);
    expect(verifiedSignature(tokenDigest('old'))).toBeUndefined();
  });

  it('stays within its entry bound, evicting the least recently used', () => {
    rememberSignature(tokenDigest('kept'), 4, entry('k1'), now);
    for (let i = 0; i < MAX_VERIFIED_TOKENS * 2; i++) {
      verifiedSignature(tokenDigest('kept'));
      rememberSignature(tokenDigest(`t${i}`), 800, entry('k1'), now);
    }
    expect(verifiedTokenStats().entries).toBeLessThanOrEqual(MAX_VERIFIED_TOKENS);
    expect(verifiedTokenStats().bytes).toBeLessThanOrEqual(8 * 1024 * 1024);
    expect(verifiedSignature(tokenDigest('kept'))).toBeDefined();
    expect(verifiedSignature(tokenDigest('t0'))).toBeUndefined();
  });

  it('stays within its byte bound for huge tokens', () => {
    for (let i = 0; i < 2000; i++) rememberSignature(tokenDigest(`huge${i}`), 8192, entry('k1'), now);
    expect(verifiedTokenStats().bytes).toBeLessThanOrEqual(8 * 1024 * 1024);
    expect(verifiedTokenStats().entries).toBeLessThan(2000);
  });

  it('drops the entries of a key that left its key set, and only those', () => {
    rememberSignature(tokenDigest('a'), 1, entry('gone'), now);
    rememberSignature(tokenDigest('b'), 1, entry('stays'), now);
    rememberSignature(tokenDigest('c'), 1, entry('gone', 'https://other/keys'), now);
    forgetKeys('https://idp/keys', (kid) => kid === 'gone');
    expect(verifiedSignature(tokenDigest('a'))).toBeUndefined();
    expect(verifiedSignature(tokenDigest('b'))).toBeDefined();
    expect(verifiedSignature(tokenDigest('c'))).toBeDefined();
  });
});
