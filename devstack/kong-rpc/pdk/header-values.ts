import { raise, requireString } from './reply';

/** Kong's header validation: a string, number, boolean or array of strings, else a Lua error. */
export function headerValueList(name: string, candidate: unknown): string[] {
  if (typeof candidate === 'string' || typeof candidate === 'number' || typeof candidate === 'boolean') {
    return [String(candidate)];
  }
  if (Array.isArray(candidate) && candidate.every((item) => typeof item === 'string')) return [...candidate];
  return raise(
    `invalid header value for "${name}": got ${candidate === null ? 'nil' : typeof candidate}, ` +
      'expected array of string, string, number or boolean',
  );
}

export function headerName(candidate: unknown): string {
  return requireString(candidate, 'header name').toLowerCase();
}

/** A Lua table argument: a plain object (msgpack map). */
export function headerTable(candidate: unknown): Record<string, unknown> {
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) raise('headers must be a table');
  return candidate as Record<string, unknown>;
}
