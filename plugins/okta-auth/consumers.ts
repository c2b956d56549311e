import { LRUCache } from 'lru-cache';
import type { ConsumerConfig } from './config';
import { AuthFailure } from './errors';
import type { KongConsumer, KongPdk } from './pdk';

interface Lookup {
  consumer: KongConsumer | null;
}

// Module level, shared by every instance; misses are cached too, so unknown claim values cost one load each per TTL.
const MAX_CONSUMERS = 10_000;
const lookups = new LRUCache<string, Lookup>({ max: MAX_CONSUMERS });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function claimValue(claims: Record<string, unknown>, names: string[]): string {
  for (const name of names) {
    const value = claims[name];
    if (typeof value === 'string' && value !== '') return value;
  }
  throw new AuthFailure('forbidden_consumer', 'the token names no Kong consumer');
}

/**
 * kong.client.load_consumer looks up by id when the value is a UUID, then (with its second argument) by username,
 * and RAISES for a value that is not a UUID without it (kong/pdk/client.lua): so the call is shaped by consumer_by,
 * and a consumer found by the other field is not taken.
 */
async function load(value: string, by: ConsumerConfig['by'], kong: KongPdk): Promise<KongConsumer | null> {
  const byId = by.has('id') && UUID.test(value);
  const byUsername = by.has('username');
  if (!byId && !byUsername) return null;
  const found = (await kong.client.loadConsumer(value, byUsername)) ?? null;
  if (!found) return null;
  if ((byId && found.id === value) || (byUsername && found.username === value)) return found;
  return null;
}

/**
 * The Kong consumer the verified token names through `consumer_claim`: cached per claim value for
 * `consumer_cache_ttl` (one PDK call when loaded, none when cached). No consumer is a 403: there is no anonymous
 * fallback.
 */
export async function consumerFor(
  claims: Record<string, unknown>,
  config: ConsumerConfig,
  kong: KongPdk,
): Promise<KongConsumer> {
  const value = claimValue(claims, config.claims);
  const key = `${[...config.by].join(',')}\n${value}`;
  let lookup = lookups.get(key);
  if (!lookup) {
    lookup = { consumer: await load(value, config.by, kong) };
    if (config.cacheTtlSeconds > 0) lookups.set(key, lookup, { ttl: config.cacheTtlSeconds * 1000 });
  }
  if (!lookup.consumer) throw new AuthFailure('forbidden_consumer', 'no Kong consumer for this client');
  return lookup.consumer;
}
