// Its own module, free of oidc-provider, so that code which only needs a token (the dev stack's secrets) can load
// without the ESM-only server library (jest cannot).
import { randomBytes } from 'node:crypto';

/** A new API token of the shape Okta issues: "00" and 40 characters. */
export function generateApiToken(): string {
  return `00${randomBytes(30).toString('base64url')}`;
}
