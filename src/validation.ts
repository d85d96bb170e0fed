import { z } from 'zod';
import { InvalidInputError } from './errors.js';

/**
 * Validates input at a public edge. On failure throws `invalid_input` naming the
 * first field at fault (a dotted path) and what is wrong with it.
 *
 * @example
 * const input = parse(appendSchema, raw, 'episode'); // typed, trusted from here on
 */
export function parse<S extends z.ZodType>(schema: S, input: unknown, what = 'input'): z.output<S> {
  const nul = findNul(input, [], 0);
  if (nul !== null)
    throw new InvalidInputError(
      `${nul ? `"${nul}"` : what}: must not contain the NUL character (\\u0000): PostgreSQL cannot store it`,
      nul || undefined,
    );
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  // An unknown key is reported at its parent's path: name the key itself.
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path;
  const field = path.map(String).join('.');
  const where = field ? `"${field}"` : what;
  throw new InvalidInputError(`${where}: ${issue.message}`, field || undefined, {
    issues: r.error.issues
      .slice(0, 5)
      .map((i) => ({ field: i.path.map(String).join('.'), message: i.message })),
  });
}

/**
 * Path of the first string (or key) holding U+0000, '' for the input itself, or null.
 * One rule for every entry point: PostgreSQL text and jsonb cannot hold it.
 */
function findNul(v: unknown, path: string[], depth: number): string | null {
  if (typeof v === 'string') return v.includes('\u0000') ? path.join('.') : null;
  if (depth > 64 || v === null || typeof v !== 'object') return null;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const hit = findNul(v[i], [...path, String(i)], depth + 1);
      if (hit !== null) return hit;
    }
    return null;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return null;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (k.includes('\u0000')) return [...path, k.replaceAll('\u0000', '')].join('.');
    const hit = findNul(x, [...path, k], depth + 1);
    if (hit !== null) return hit;
  }
  return null;
}

/** JSON values of any shape (what a brain key or metadata may hold). */
export const jsonValue: z.ZodType<unknown> = z.custom<unknown>((v) => isJson(v, 0), {
  message:
    'must be a JSON value (string, number, boolean, null, array or plain object; no undefined, functions, NaN or cycles), nested at most 64 deep',
});

function isJson(v: unknown, depth: number): boolean {
  if (depth > 64) return false;
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every((x) => isJson(x, depth + 1));
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return false;
    return Object.values(v as Record<string, unknown>).every((x) => isJson(x, depth + 1));
  }
  return false;
}

/** A plain JSON object (metadata). */
export const jsonObject = z.custom<Record<string, unknown>>(
  (v) => typeof v === 'object' && v !== null && !Array.isArray(v) && isJson(v, 0),
  { message: 'must be a plain JSON object' },
);

/** Size limits, documented in docs/limits.md. */
export const LIMITS = {
  /** Longest content of an episode, fact or decision field, in characters. */
  contentChars: 100_000,
  /** Largest brain value or metadata object, as JSON text, in bytes. */
  jsonBytes: 256 * 1024,
  /** Longest scope id, key, subject, category, tag. */
  shortText: 256,
  /** Most tags on one memory. */
  tags: 64,
  /** Most episodes in one append. */
  batch: 10_000,
} as const;

/** A uuid, as the ids of episodes, facts, decisions and tasks are. */
export const uuid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a uuid');

/** A point in time: a Date or an ISO 8601 string with a time zone (`2026-05-08T13:56:00Z`). */
export const dateInput = z
  .union([z.date(), z.iso.datetime({ offset: true }), z.iso.date()])
  .transform((v) => (v instanceof Date ? v : new Date(v)))
  .refine((d) => !Number.isNaN(d.getTime()), 'must be a valid date');

/** Importance of a memory, 1 (trivia) to 10 (critical). */
export const importance = z
  .number()
  .int('must be a whole number')
  .min(1, 'must be 1 to 10')
  .max(10, 'must be 1 to 10');

/** Tags: short strings, at most LIMITS.tags of them. */
export const tags = z
  .array(z.string().min(1).max(LIMITS.shortText))
  .max(LIMITS.tags, `at most ${LIMITS.tags} tags`);
