import { AuthFailure } from './errors';
import type { HeaderMap } from './pdk';

export type BasicCredentials = { kind: 'basic'; clientId: string; clientSecret: string };
export type Credentials = { kind: 'bearer'; token: string } | BasicCredentials;

/** Larger than any Okta access token; refused before parsing so a huge header costs nothing. */
export const MAX_AUTHORIZATION_BYTES = 8 * 1024;

// RFC 6750 b64token; a JWT is three base64url segments, checked by the verifier.
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function decodeBasic(value: string): string {
  // Kong's Okta DCR guide tells users to send `Basic client_id:client_secret` unencoded. ':' is not in the
  // base64 alphabet, so the two forms cannot be confused.
  if (value.includes(':')) return value;
  if (!BASE64.test(value) || value.length % 4 !== 0) {
    throw new AuthFailure('invalid_request', 'malformed Basic credentials');
  }
  return Buffer.from(value, 'base64').toString('utf8');
}

function parseBasic(value: string): Credentials {
  const decoded = decodeBasic(value);
  const colon = decoded.indexOf(':');
  const clientId = decoded.slice(0, colon);
  const clientSecret = decoded.slice(colon + 1);
  if (colon <= 0 || clientSecret === '') {
    throw new AuthFailure('invalid_request', 'Basic credentials must be client_id:client_secret');
  }
  return { kind: 'basic', clientId, clientSecret };
}

/** Returns the credentials of a request, or undefined when it carries none. */
export function extractCredentials(headers: HeaderMap): Credentials | undefined {
  const raw = headers['authorization'];
  if (raw === undefined) return undefined;
  if (Array.isArray(raw) && raw.length > 1) {
    throw new AuthFailure('invalid_request', 'more than one Authorization header');
  }
  const header = Array.isArray(raw) ? raw[0] : raw;
  if (header === undefined || header === '') return undefined;
  // A UTF-8 character is at most 3 bytes per UTF-16 unit: a shorter header needs no byte count.
  if (header.length * 3 > MAX_AUTHORIZATION_BYTES && Buffer.byteLength(header) > MAX_AUTHORIZATION_BYTES) {
    throw new AuthFailure('invalid_request', 'Authorization header too large');
  }
  // The usual form, `Bearer <b64token>`, without the general pattern's pass over the whole token: what the
  // pattern below would make of it too.
  if (header.startsWith('Bearer ')) {
    const token = header.slice(7);
    if (BEARER_TOKEN.test(token)) return { kind: 'bearer', token };
  }
  const match = /^([A-Za-z]+) +(\S+) *$/.exec(header);
  if (!match) throw new AuthFailure('invalid_request', 'malformed Authorization header');
  const scheme = (match[1] as string).toLowerCase();
  const value = match[2] as string;
  if (scheme === 'bearer') {
    if (!BEARER_TOKEN.test(value)) throw new AuthFailure('invalid_token', 'malformed token');
    return { kind: 'bearer', token: value };
  }
  if (scheme === 'basic') return parseBasic(value);
  throw new AuthFailure('invalid_request', 'unsupported authorization scheme');
}
