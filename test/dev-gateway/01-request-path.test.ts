import { normalizePath, upstreamPath } from '../../devstack/gateway/request-path';

describe('upstreamPath (Kong path_handling v0)', () => {
  // Kong's documented table: service path, route path, request path -> upstream path with strip_path true/false.
  it.each([
    ['/s', '/fv0', '/fv0req', '/s/req', '/s/fv0req'],
    ['/s', '/fv0/', '/fv0/req', '/s/req', '/s/fv0/req'],
    ['/s/', '/fv0', '/fv0req', '/s/req', '/s/fv0req'],
    ['/s/', '/fv0/', '/fv0/req', '/s/req', '/s/fv0/req'],
    ['/s', '/fv0', '/fv0', '/s', '/s/fv0'],
    ['/s/', '/fv0', '/fv0', '/s', '/s/fv0'],
    ['/s/', '/fv0', '/fv0/', '/s/', '/s/fv0/'],
    [null, '/fv0', '/fv0/req', '/req', '/fv0/req'],
    [null, '/fv0', '/fv0', '/', '/fv0'],
  ])('joins service path %s, route %s, request %s into %s (stripped) and %s (kept)', (servicePath, matched, path, stripped, kept) => {
    expect(upstreamPath({ path, matched, stripPath: true, servicePath })).toBe(stripped);
    expect(upstreamPath({ path, matched, stripPath: false, servicePath })).toBe(kept);
  });

  it('drops a leading ../ left by stripping, so a request cannot climb above the service path', () => {
    expect(upstreamPath({ path: '/api../x', matched: '/api', stripPath: true, servicePath: '/base' })).toBe('/base/x');
  });
});

describe('normalizePath', () => {
  it.each([
    ['/', '/'],
    ['/a//b///c', '/a/b/c'],
    ['/a/./b/../c', '/a/c'],
    ['/a/b/..', '/a/'],
    ['/../../etc', '/etc'],
    ['/%61%2Fb%7e', '/a%2Fb~'],
  ])('normalizes %s to %s', (raw, normalized) => {
    expect(normalizePath(raw)).toBe(normalized);
  });
});
