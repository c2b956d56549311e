import { Schema as OktaAuthSchema } from '../../plugins/okta-auth/schema';

/** A field's default in the okta-auth plugin's own schema (what Kong fills in when kong.yml leaves it out). */
export function oktaAuthDefault(field: string): unknown {
  const entry = OktaAuthSchema.find((f) => field in f) as Record<string, { default?: unknown }> | undefined;
  return entry?.[field]?.default;
}
