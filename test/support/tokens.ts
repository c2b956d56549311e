/**
 * Forged and altered tokens for the attacks the plugin must refuse. Test-only: valid tokens always come from the
 * local Okta-compatible server (its /v1/token or its /__emulator/sign), never from here.
 */
import { createHmac, createPublicKey, type JsonWebKey } from 'node:crypto';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function decodePart(token: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index] as string, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The same token with a changed payload and the original signature. */
export function tamperPayload(token: string, changes: Record<string, unknown>): string {
  const [header, , signature] = token.split('.') as [string, string, string];
  return `${header}.${b64url({ ...decodePart(token, 1), ...changes })}.${signature}`;
}

/** An unsigned token (`alg: none`). */
export function unsignedToken(header: Record<string, unknown>, claims: Record<string, unknown>): string {
  return `${b64url({ ...header, alg: 'none' })}.${b64url(claims)}.`;
}

/**
 * The algorithm-confusion attack: HS256 with the issuer's PUBLIC key as the HMAC secret, which a verifier that
 * trusts the token's alg header would accept.
 */
export function hs256WithPublicKey(jwk: JsonWebKey, header: Record<string, unknown>, claims: Record<string, unknown>): string {
  const pem = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
  const signingInput = `${b64url({ ...header, alg: 'HS256' })}.${b64url(claims)}`;
  return `${signingInput}.${createHmac('sha256', pem).update(signingInput).digest('base64url')}`;
}

export const basic = (clientId: string, secret: string) => `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The same token with a non-canonical signature segment: the last character's unused low bit flipped. Lenient
 * base64 decoders read the very same signature bytes from it (for RSA-2048 the last character carries 2 bits).
 */
export function withSpareSignatureBitChanged(token: string): string {
  const last = BASE64URL.indexOf(token.slice(-1));
  return `${token.slice(0, -1)}${BASE64URL[last ^ 0x01] as string}`;
}
