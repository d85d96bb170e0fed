import { z } from 'zod';
import { jsonObject, jsonValue, LIMITS } from '../validation.js';

/**
 * Why this file: PostgreSQL refuses the NUL character in `text` and in `jsonb`
 * strings, and a value must fit LIMITS.jsonBytes. Checking both here turns what
 * would be a driver error into an `invalid_input` naming the field.
 */

function hasNul(v: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (typeof v === 'string') return v.includes('\u0000');
  if (Array.isArray(v)) return v.some((x) => hasNul(x, depth + 1));
  if (typeof v === 'object' && v !== null)
    return Object.entries(v).some(([k, x]) => k.includes('\u0000') || hasNul(x, depth + 1));
  return false;
}

/**
 * Size of a value as JSON text, in bytes (0 when it is not JSON at all: the type check reports that).
 *
 * @example
 * jsonBytes({ a: 'é' }); // => 10
 */
export function jsonBytes(v: unknown): number {
  try {
    const s = JSON.stringify(v);
    return typeof s === 'string' ? Buffer.byteLength(s, 'utf8') : 0;
  } catch {
    return 0;
  }
}

const sizeMessage = `is too large: at most ${LIMITS.jsonBytes} bytes as JSON text`;
const nulMessage = 'must not contain the NUL character (\\u0000), which PostgreSQL cannot store';

/**
 * Any JSON value that PostgreSQL can store: no NUL characters, at most LIMITS.jsonBytes.
 *
 * @example
 * parse(z.object({ value: storableJson }), { value: { a: [1, 2] } });
 */
export const storableJson: z.ZodType<unknown> = jsonValue
  .refine((v) => !hasNul(v), nulMessage)
  .refine((v) => jsonBytes(v) <= LIMITS.jsonBytes, sizeMessage);

/**
 * A plain JSON object (metadata) that PostgreSQL can store.
 *
 * @example
 * parse(z.object({ metadata: storableObject }), { metadata: { source: 'cli' } });
 */
export const storableObject = jsonObject
  .refine((v) => !hasNul(v), nulMessage)
  .refine((v) => jsonBytes(v) <= LIMITS.jsonBytes, sizeMessage);

/**
 * Text of at most `max` characters without NUL characters.
 *
 * @example
 * const subject = safeText(256).min(1);
 */
export function safeText(max: number) {
  return z
    .string({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be a string') })
    .max(max, `must be at most ${max} characters`)
    .refine((v) => !v.includes('\u0000'), nulMessage);
}
