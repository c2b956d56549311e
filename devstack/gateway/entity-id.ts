import { createHash } from 'node:crypto';

// A fixed namespace, so the same kong.yml gives the same ids on every start (plugins key caches on them).
const NAMESPACE = Buffer.from('5b1f6f7e0d3a4c1e9a1b7c2d3e4f5a6b', 'hex');

/** RFC 9562 UUIDv5 of `kind:name`: a stable id for an entity that kong.yml names but gives no id. */
export function entityId(kind: string, name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(`${kind}:${name}`).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50; // version 5
  hash[8] = (hash[8] & 0x3f) | 0x80; // RFC variant
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
