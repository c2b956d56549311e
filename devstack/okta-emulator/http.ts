// Small HTTP helpers shared by the emulator's own endpoints (DCR API, control API, JWKS).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Headers = Record<string, string | number>;

/** Largest JSON request body the emulator reads (Okta's own limits are far above what a client sends). */
const BODY_LIMIT = 64 * 1024;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Headers = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    ...(text ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) } : {}),
  });
  res.end(text);
}

export class BodyError extends Error {}

/** Reads a JSON body; an empty body is `undefined`. Throws BodyError on a body that is not JSON or too large. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT) throw new BodyError(`request body over ${BODY_LIMIT} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new BodyError('request body is not JSON');
  }
}

/** Random string over [A-Za-z0-9], the alphabet of Okta's ids. */
export function randomAlnum(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 * 62: rejecting the top bytes keeps every character equally likely.
      if (byte < 248 && out.length < length) out += alphabet[byte % 62];
    }
  }
  return out;
}

/** Okta's error body of its management APIs (E00000xx codes). */
export function oktaError(errorCode: string, errorSummary: string) {
  return { errorCode, errorSummary, errorLink: errorCode, errorId: `oae${randomAlnum(22)}`, errorCauses: [] as unknown[] };
}

export const INVALID_TOKEN = () => oktaError('E0000011', 'Invalid token provided');
export const PATH_NOT_FOUND = (path: string) => oktaError('E0000007', `Not found: Resource not found: ${path} (Path)`);

/**
 * True when the request carries the API token as Okta accepts it: `SSWS <token>`, or `Bearer <token>` (standing in
 * for an OAuth access token with the okta.clients.* scopes).
 */
export function hasApiToken(req: IncomingMessage, apiToken: string): boolean {
  const match = /^(?:SSWS|Bearer)\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!);
  const expected = Buffer.from(apiToken);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
