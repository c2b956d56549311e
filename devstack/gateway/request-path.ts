const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * The path Kong routes on (kong.tools.uri.normalize with merged slashes): percent-escapes of unreserved
 * characters decoded, repeated slashes merged, dot segments resolved. Query excluded.
 */
export function normalizePath(rawPath: string): string {
  const decoded = rawPath.replace(/%([0-9a-fA-F]{2})/g, (escape, hex: string) => {
    const character = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(character) ? character : escape.toUpperCase();
  });
  const segments = decoded.replace(/\/{2,}/g, '/').split('/').slice(1);
  const resolved: string[] = [];
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === '.' || segment === '..') {
      if (segment === '..') resolved.pop();
      if (last) resolved.push(''); // "/a/b/.." is the directory "/a/"
    } else {
      resolved.push(segment);
    }
  });
  return `/${resolved.join('/')}`;
}

/** Kong's sanitize_uri_postfix: a stripped path must not climb out of the service path. */
function sanitizePostfix(postfix: string): string {
  if (postfix === '.' || postfix === '..') return '';
  if (postfix.startsWith('./')) return postfix.slice(2);
  if (postfix.startsWith('../')) return postfix.slice(3);
  return postfix;
}

export interface UpstreamPathInput {
  /** The normalized request path. */
  path: string;
  /** What the route's path matched (the prefix, or the whole regex match); undefined for a route without paths. */
  matched: string | undefined;
  stripPath: boolean;
  /** The service's path; null is "/". */
  servicePath: string | null;
}

/** Kong's get_upstream_uri (path_handling v0): the service path joined with the request path, stripped or not. */
export function upstreamPath({ path, matched, stripPath, servicePath }: UpstreamPathInput): string {
  const base = servicePath ?? '/';
  const postfix = sanitizePostfix(stripPath && matched !== undefined ? path.slice(matched.length) : path.slice(1));
  if (base.endsWith('/')) {
    if (!stripPath) return base + path.slice(1);
    if (postfix === '') {
      if (base === '/') return '/';
      return path.endsWith('/') ? base : base.slice(0, -1);
    }
    return postfix.startsWith('/') ? base.slice(0, -1) + postfix : base + postfix;
  }
  if (!stripPath) return path === '/' ? base : base + path;
  if (postfix === '') return path.length > 1 && path.endsWith('/') ? `${base}/` : base;
  return postfix.startsWith('/') ? base + postfix : `${base}/${postfix}`;
}
