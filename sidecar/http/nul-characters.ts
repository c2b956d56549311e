import type { FastifyInstance } from 'fastify';
import { InvalidInput } from '../domain/errors';

/** Where a value sits: its key and its parent's place (a chain, so a deep body costs one entry per level). */
interface Place {
  key: string;
  parent: Place | undefined;
}

function fieldName(place: Place | undefined): string {
  const keys: string[] = [];
  for (let at = place; at; at = at.parent) keys.unshift(at.key);
  return keys.join('.') || '(body)';
}

/**
 * The first string (or key) in `value` that holds a NUL character, as a field name, or undefined. A walk with a
 * stack of its own: a body may nest deeper than the call stack goes.
 */
function nulAt(value: unknown): string | undefined {
  const pending: [unknown, Place | undefined][] = [[value, undefined]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [item, place] = next;
    if (typeof item === 'string') {
      if (item.includes('\u0000')) return fieldName(place);
    } else if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        const childPlace = { key, parent: place };
        if (key.includes('\u0000')) return fieldName(childPlace);
        pending.push([child, childPlace]);
      }
    }
  }
  return undefined;
}

/**
 * Refuses a NUL character in any path, query or body value with a 400 naming the field, on both databases:
 * PostgreSQL cannot store one in text (its error was a 500) and SQLite would keep what no other field can hold.
 */
export function refuseNulCharacters(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    for (const part of [request.params, request.query, request.body]) {
      const field = nulAt(part);
      if (field) throw InvalidInput.field(field, 'must not contain a NUL character');
    }
  });
}
