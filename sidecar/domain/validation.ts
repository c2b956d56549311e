import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { InvalidInput } from './errors';

/** An https URL, or http on loopback (the local stack): what an issuer or IdP base URL may be. */
export function checkIdpUrl(field: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw InvalidInput.field(field, 'must be a URL');
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw InvalidInput.field(field, 'must be an https URL (http only on loopback)');
  }
}

/** Checks `value` against a schema chosen at run time (e.g. by provider_type), naming fields under `prefix`. */
export function checkSchema(prefix: string, schema: TSchema, value: unknown): void {
  // One reason per field: TypeBox reports a missing property both as missing and as of the wrong type.
  const reasons = new Map<string, string>();
  for (const e of Value.Errors(schema, value)) {
    const field = [prefix, ...e.path.split('/').filter(Boolean)].join('.');
    if (!reasons.has(field)) reasons.set(field, e.message);
  }
  if (reasons.size === 0) return;
  throw new InvalidInput([...reasons].map(([field, reason]) => ({ field, reason })));
}
