import { AuthFailure } from '../../plugins/okta-auth/errors';
import { extractCredentials, MAX_AUTHORIZATION_BYTES } from '../../plugins/okta-auth/extract';

function failureOf(authorization: string | string[]): AuthFailure {
  try {
    extractCredentials({ authorization });
  } catch (err) {
    if (err instanceof AuthFailure) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

describe('credential extraction', () => {
  it('returns undefined when there is no Authorization header', () => {
    expect(extractCredentials({})).toBeUndefined();
    expect(extractCredentials({ authorization: [] })).toBeUndefined();
  });

  it('reads a bearer token with any casing of the scheme', () => {
    expect(extractCredentials({ authorization: 'bearer a.b.c' })).toEqual({ kind: 'bearer', token: 'a.b.c' });
    expect(extractCredentials({ authorization: ['Bearer x.y.z'] })).toEqual({ kind: 'bearer', token: 'x.y.z' });
  });

  it('reads base64 Basic credentials', () => {
    const value = Buffer.from('0oa123:s3cr:et').toString('base64');
    expect(extractCredentials({ authorization: `Basic ${value}` })).toEqual({
      kind: 'basic',
      clientId: '0oa123',
      clientSecret: 's3cr:et',
    });
  });

  it("reads the literal `Basic client_id:client_secret` of Kong's Okta DCR guide", () => {
    expect(extractCredentials({ authorization: 'Basic 0oa123:secret-value' })).toEqual({
      kind: 'basic',
      clientId: '0oa123',
      clientSecret: 'secret-value',
    });
  });

  it.each([
    ['Token abc', 'invalid_request', 'unsupported authorization scheme'],
    ['Bearer', 'invalid_request', 'malformed Authorization header'],
    ['Bearer a b', 'invalid_request', 'malformed Authorization header'],
    ['Bearer a"b', 'invalid_token', 'malformed token'],
    ['Basic !!!!', 'invalid_request', 'malformed Basic credentials'],
    [`Basic ${Buffer.from('no-colon').toString('base64')}`, 'invalid_request', 'client_id:client_secret'],
    ['Basic :secret', 'invalid_request', 'client_id:client_secret'],
    ['Basic id:', 'invalid_request', 'client_id:client_secret'],
  ])('refuses %s as %s', (header, code, description) => {
    const failure = failureOf(header);
    expect(failure.code).toBe(code);
    expect(failure.description).toContain(description);
  });

  it('refuses more than one Authorization header', () => {
    expect(failureOf(['Bearer a.b.c', 'Bearer d.e.f']).description).toBe('more than one Authorization header');
  });

  it('refuses a header over 8 KiB before parsing it', () => {
    const failure = failureOf(`Bearer ${'a'.repeat(MAX_AUTHORIZATION_BYTES)}`);
    expect(failure.description).toBe('Authorization header too large');
  });
});
