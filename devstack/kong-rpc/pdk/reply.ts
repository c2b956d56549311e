import { KongRaisedError } from '../errors';
import type { GatewayRequestState } from '../request-state';

/** What Kong does with one PDK call: answer a value (undefined = nil), answer an error, or end the event. */
export type PdkReply = { kind: 'value'; value?: unknown } | { kind: 'error'; message: string } | { kind: 'terminal' };

export type PdkFunction = (state: GatewayRequestState, args: unknown[]) => PdkReply;

export const NIL: PdkReply = { kind: 'value' };

export function value(result: unknown): PdkReply {
  return result === undefined ? NIL : { kind: 'value', value: result };
}

/** Kong's PDK raises a Lua error on bad arguments, which ends the request in a 500. */
export function raise(message: string): never {
  throw new KongRaisedError(message);
}

export function requireString(candidate: unknown, what: string): string {
  if (typeof candidate !== 'string') raise(`${what} must be a string`);
  return candidate;
}

/** Kong's optional `max_headers` / `max_args` argument: 1..1000, default 100. */
export function maxItems(candidate: unknown, what: string): number {
  const max = candidate ?? 100;
  if (typeof max !== 'number') raise(`${what} must be a number`);
  if (max < 1) raise(`${what} must be >= 1`);
  if (max > 1000) raise(`${what} must be <= 1000`);
  return max;
}
