import type { HeaderMap } from './types';

/** Header names are case-insensitive; Kong's request getters also accept `_` for `-`. */
export function headerKey(name: string): string {
  return name.toLowerCase().replaceAll('_', '-');
}

/** Lower-case name -> values in order, from a request's header record. */
export function headerValues(headers: Record<string, string | string[]> | undefined): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const [name, value] of Object.entries(headers ?? {})) {
    const key = name.toLowerCase();
    values.set(key, [...(values.get(key) ?? []), ...(Array.isArray(value) ? value : [value])]);
  }
  return values;
}

/** Back to the public shape: one value as a string, repeated values as an array. */
export function toHeaderMap(values: Map<string, string[]>): HeaderMap {
  const map: HeaderMap = {};
  for (const [name, list] of values) {
    if (list.length > 0) map[name] = list.length === 1 ? list[0] : [...list];
  }
  return map;
}
