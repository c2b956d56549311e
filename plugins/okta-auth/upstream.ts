import type { ApplicationMapping } from './applications';
import { AuthFailure } from './errors';
import type { HeaderMap, KongConsumer } from './pdk';

/** Who is calling, as the upstream is told. */
export interface Identity {
  clientId: string;
  scopes: string[];
  /** Present when the plugin maps client ids to portal applications. */
  application?: ApplicationMapping;
}

/**
 * Every header this plugin vouches for. Whatever of them the CLIENT sent is removed or overwritten, so an
 * upstream can trust them (Kong's own auth plugins do the same with X-Consumer-*). kong.yml's pre-function guard
 * clears the same list before this plugin runs (a test holds the two equal).
 */
export const IDENTITY_HEADERS = [
  'x-credential-identifier',
  'x-client-id',
  'x-authenticated-scope',
  'x-application-id',
  'x-application-name',
  'x-developer-id',
  'x-consumer-id',
  'x-consumer-custom-id',
  'x-consumer-username',
  'x-anonymous-consumer',
] as const;

/**
 * The most header lines Kong's get_headers returns (its default is 100). Past it Kong cuts the map short without
 * saying so, and an identity header after the cut could not be seen, hence not removed.
 */
export const MAX_REQUEST_HEADERS = 1000;

/** Refuses a request whose header map may have been cut short. */
export function checkAllHeadersSeen(requestHeaders: HeaderMap): void {
  let lines = 0;
  for (const value of Object.values(requestHeaders)) lines += Array.isArray(value) ? value.length : 1;
  if (lines >= MAX_REQUEST_HEADERS) throw new AuthFailure('invalid_request', 'too many request headers');
}

const IDENTITY_HEADER_NAMES: ReadonlySet<string> = new Set(IDENTITY_HEADERS);

/**
 * Whether the client sent any identity header. One pass over the request's few header names: looking up each of
 * the ten absent names costs five times as much, on every request that passes.
 */
function carriesIdentityHeader(requestHeaders: HeaderMap): boolean {
  for (const name in requestHeaders) if (IDENTITY_HEADER_NAMES.has(name) && requestHeaders[name] !== undefined) return true;
  return false;
}

/** The identity headers the client sent that `set` does not overwrite, in IDENTITY_HEADERS order. */
function identityHeadersToClear(requestHeaders: HeaderMap, set: Record<string, string>): string[] {
  const setNames = new Set(Object.keys(set).map((name) => name.toLowerCase()));
  return IDENTITY_HEADERS.filter((name) => !setNames.has(name) && requestHeaders[name] !== undefined);
}

export interface UpstreamChanges {
  set: Record<string, string>;
  clear: string[];
}

/** The header changes for an authenticated request: one batch to set, and the few headers to remove. */
export function upstreamChanges(requestHeaders: HeaderMap, identity: Identity, hideCredentials: boolean): UpstreamChanges {
  const set: Record<string, string> = {
    'X-Credential-Identifier': identity.clientId,
    'X-Client-Id': identity.clientId,
    'X-Authenticated-Scope': identity.scopes.join(' '),
  };
  if (identity.application) {
    set['X-Application-Id'] = identity.application.application.id;
    set['X-Application-Name'] = identity.application.application.name;
    set['X-Developer-Id'] = identity.application.developer.id;
  }
  const clear: string[] = carriesIdentityHeader(requestHeaders) ? identityHeadersToClear(requestHeaders, set) : [];
  if (hideCredentials && requestHeaders['authorization'] !== undefined) clear.push('authorization');
  return { set, clear };
}

/** Kong's auth plugins' headers for the consumer they authenticated (kong/constants.lua HEADERS). */
export function consumerHeaders(consumer: KongConsumer): Record<string, string> {
  const set: Record<string, string> = { 'X-Consumer-ID': consumer.id };
  if (typeof consumer.custom_id === 'string') set['X-Consumer-Custom-ID'] = consumer.custom_id;
  if (typeof consumer.username === 'string') set['X-Consumer-Username'] = consumer.username;
  return set;
}
