import { checkApplication } from '../../plugins/okta-auth/applications';
import { failureResponse, AuthFailure } from '../../plugins/okta-auth/errors';
import { normaliseConfig } from '../../plugins/okta-auth/config';
import { checkAllHeadersSeen, MAX_REQUEST_HEADERS, upstreamChanges } from '../../plugins/okta-auth/upstream';

describe('upstream headers', () => {
  const identity = { clientId: '0oa1', scopes: ['api:read', 'api:write'] };

  it('sets the identity in one batch and clears only the credential when nothing is spoofed', () => {
    expect(upstreamChanges({ authorization: 'Bearer x' }, identity, true)).toEqual({
      set: { 'X-Credential-Identifier': '0oa1', 'X-Client-Id': '0oa1', 'X-Authenticated-Scope': 'api:read api:write' },
      clear: ['authorization'],
    });
  });

  it('keeps Authorization when hide_credentials is off', () => {
    expect(upstreamChanges({ authorization: 'Bearer x' }, identity, false).clear).toEqual([]);
  });

  it('clears identity headers the client sent that the plugin does not set', () => {
    const headers = { authorization: 'Bearer x', 'x-application-id': 'evil', 'x-developer-id': 'evil', 'x-client-id': 'evil' };
    expect(upstreamChanges(headers, identity, true).clear).toEqual(['x-application-id', 'x-developer-id', 'authorization']);
  });
});

describe('header map completeness', () => {
  it('accepts a map below the limit and refuses one that may have been cut, counting every line', () => {
    const lines = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`x-${i}`, 'v']));
    expect(() => checkAllHeadersSeen(lines(MAX_REQUEST_HEADERS - 1))).not.toThrow();
    expect(() => checkAllHeadersSeen(lines(MAX_REQUEST_HEADERS))).toThrow('too many request headers');
    const repeated = Array.from({ length: MAX_REQUEST_HEADERS - 1 }, () => 'v');
    expect(() => checkAllHeadersSeen({ 'x-repeated': repeated, authorization: 'Bearer x' })).toThrow(AuthFailure);
  });
});

describe('failure responses', () => {
  const config = normaliseConfig({ issuer: 'https://acme.okta.com/oauth2/default', scopes_required: ['api:read'] });

  it('challenges with a bare Bearer realm when no credentials were sent', () => {
    expect(failureResponse(new AuthFailure('no_credentials', 'x'), config)).toEqual({
      status: 401,
      body: { message: 'Unauthorized' },
      headers: { 'WWW-Authenticate': 'Bearer realm="kong"' },
    });
  });

  it('names invalid_token and a description without quotes for a bad token', () => {
    expect(failureResponse(new AuthFailure('invalid_token', 'bad "quoted" \\ thing'), config).headers).toEqual({
      'WWW-Authenticate': 'Bearer realm="kong", error="invalid_token", error_description="bad  quoted    thing"',
    });
  });

  it('answers 403 insufficient_scope with the required scopes', () => {
    const response = failureResponse(new AuthFailure('insufficient_scope', 'missing scope api:read'), config);
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ message: 'Forbidden' });
    expect(response.headers['WWW-Authenticate']).toBe(
      'Bearer realm="kong", error="insufficient_scope", error_description="missing scope api:read", scope="api:read"',
    );
  });

  it('answers 503 for an unreachable identity provider and 500 for the unexpected', () => {
    expect(failureResponse(new AuthFailure('idp_unavailable', 'down'), config)).toMatchObject({
      status: 503,
      body: { message: 'Identity provider unavailable' },
    });
    expect(failureResponse(new AuthFailure('unexpected', 'x'), config)).toMatchObject({
      status: 500,
      body: { message: 'An unexpected error occurred' },
    });
  });
});

describe('application check', () => {
  const mapping = (application: string, developer?: string) => ({
    application: { id: 'a1', name: 'app', status: application },
    developer: { id: 'd1', email: 'd@example.com', ...(developer && { status: developer }) },
    services: ['orders'],
  });

  it.each([
    ['an active application of a developer without a status', mapping('active'), undefined],
    ['an active application of an approved developer', mapping('active', 'approved'), undefined],
    ['an application being deleted', mapping('pending_deletion'), 'application is being deleted'],
    ['a disabled application', mapping('disabled'), 'application is disabled'],
    ['a suspended developer', mapping('active', 'revoked'), 'developer is suspended'],
  ])('decides %s', (_what, given, reason) => {
    if (reason === undefined) expect(checkApplication(given, 'orders')).toBe(given);
    else expect(() => checkApplication(given, 'orders')).toThrow(new AuthFailure('forbidden_application', reason));
  });
});
