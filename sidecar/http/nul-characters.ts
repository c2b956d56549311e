import type { FastifyInstance } from 'fastify';
import { InvalidInput } from '../domain/errors';

/** The path of the first string (or key) in `value` that holds a NUL character, or undefined. */
function nulAt(value: unknown, path: string[]): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path.join('.') || '(body)' : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000')) return [...path, key].join('.');
    const found = nulAt(item, [...path, key]);
    if (found) return found;
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
      const field = nulAt(part, []);
      if (field) throw InvalidInput.field(field, 'must not contain a NUL character');
    }
  });
}
