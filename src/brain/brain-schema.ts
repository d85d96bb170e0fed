import { z } from 'zod';
import { anyJsonOut, dateOut, scopeOut } from '../records.js';
import { scopeMatchSchema, scopeSchema } from '../scope.js';
import { dateInput, LIMITS } from '../validation.js';
import { safeText, storableJson } from './brain-json.js';

/**
 * Dot-notation key: segments of letters, digits, `_` or `-`, separated by single dots.
 *
 * @example
 * BRAIN_KEY_PATTERN.test('session.active_work'); // => true
 */
export const BRAIN_KEY_PATTERN = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

const keyMessage =
  'must be dot-notation segments of letters, digits, _ or - separated by single dots, like identity.name';

/**
 * A brain key such as `identity.name` or `session.active_work` (at most 256 characters).
 *
 * @example
 * brainKey.parse('directive.tone'); // ok; 'a..b', ' x', 'a.b!' are rejected
 */
export const brainKey = z
  .string({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be a string') })
  .max(LIMITS.shortText, `must be at most ${LIMITS.shortText} characters`)
  .regex(BRAIN_KEY_PATTERN, keyMessage)
  .describe(
    'dot-notation key: segments of letters, digits, _ or - separated by dots, e.g. "identity.name", "session.active_work", "directive.tone"',
  );

/**
 * A key prefix for listing: a key, optionally followed by `.*` or `.`
 * (`session`, `session.*` and `session.` all mean "session and everything below it").
 *
 * @example
 * brainPrefix.parse('session.*'); // => 'session'
 */
export const brainPrefix = z
  .string({ error: 'must be a string' })
  .transform((p) => p.replace(/\.\*$|\.$/, ''))
  .pipe(
    z
      .string()
      .max(LIMITS.shortText, `must be at most ${LIMITS.shortText} characters`)
      .regex(BRAIN_KEY_PATTERN, `${keyMessage} (optionally followed by .*)`),
  );

/**
 * Longest TTL: ten years.
 *
 * @example
 * await mem.brain.set({ key: 'k', value: 1, ttlSeconds: Math.min(ttl, MAX_TTL_SECONDS) });
 */
export const MAX_TTL_SECONDS = 10 * 365 * 24 * 3600;

const version = z
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be 0 (key must not exist yet) or a current version');

const by = safeText(LIMITS.shortText).optional();
const limit = (max: number, def: number) =>
  z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1)
    .max(max)
    .optional()
    .describe(`how many to return (default ${def}, at most ${max})`);

/**
 * Input of `brain.set`. Omitted `category`, `description` and `priority` keep their current
 * value (defaults `general`, `''`, 5 for a new key); the expiry is set by each write
 * (`ttlSeconds` or `expiresAt`; neither = no expiry), as in Redis `SET`.
 *
 * @example
 * parse(brainSetSchema, { key: 'session.active_work', value: { task: 'T-42' }, ttlSeconds: 3600 });
 */
export const brainSetSchema = z
  .strictObject({
    scope: scopeSchema,
    key: brainKey,
    value: storableJson.describe('the value to store (any JSON value)'),
    category: safeText(LIMITS.shortText)
      .min(1, 'must not be empty')
      .optional()
      .describe('a grouping such as identity, directive, session, system (default: kept, or "general")'),
    description: safeText(LIMITS.contentChars)
      .optional()
      .describe('what the key holds, for whoever reads it later'),
    priority: z
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(1, 'must be 1 to 10')
      .max(10, 'must be 1 to 10')
      .optional()
      .describe('1 to 10, how much it matters (default 5)'),
    ttlSeconds: z
      .number({ error: 'must be a number of seconds' })
      .int('must be a whole number of seconds')
      .min(1, 'must be at least 1 second')
      .max(MAX_TTL_SECONDS, `must be at most ${MAX_TTL_SECONDS} seconds (ten years)`)
      .optional()
      .describe('forget the key after this many seconds (working memory); default: never'),
    expiresAt: dateInput
      .nullable()
      .optional()
      .describe('forget the key at this time, ISO 8601 (instead of ttlSeconds); default: never'),
    expectedVersion: version
      .optional()
      .describe('write only if the current version is this (0 = only if the key does not exist yet)'),
    by,
  })
  .refine((v) => v.ttlSeconds === undefined || v.expiresAt == null, {
    message: 'give either ttlSeconds or expiresAt, not both',
    path: ['ttlSeconds'],
  });

/** Input of `brain.get`. @example parse(brainGetSchema, { key: 'identity.name' }) */
export const brainGetSchema = z.strictObject({ scope: scopeSchema, key: brainKey });

/** Input of `brain.list`. @example parse(brainListSchema, { prefix: 'session.*', limit: 50 }) */
export const brainListSchema = z.strictObject({
  scope: scopeSchema,
  prefix: brainPrefix
    .optional()
    .describe('only this key and the keys below it, e.g. "identity" or "session.*"'),
  category: safeText(LIMITS.shortText)
    .min(1, 'must not be empty')
    .optional()
    .describe('only keys of this category'),
  limit: limit(1000, 1000),
  scopeMatch: scopeMatchSchema.optional(),
});

/** Input of `brain.delete`. @example parse(brainDeleteSchema, { key: 'session.tmp', expectedVersion: 3 }) */
export const brainDeleteSchema = z.strictObject({
  scope: scopeSchema,
  key: brainKey,
  expectedVersion: version.optional().describe('delete only if the current version is this'),
  by,
});

/** Input of `brain.history`. @example parse(brainHistorySchema, { key: 'identity.name', limit: 20 }) */
export const brainHistorySchema = z.strictObject({
  scope: scopeSchema,
  key: brainKey,
  limit: limit(1000, 100),
});

/**
 * Input types, as callers write them.
 *
 * @example
 * const input: BrainSetInput = { scope: { user: 'alice' }, key: 'identity.name', value: 'Alice' };
 */
export type BrainSetInput = z.input<typeof brainSetSchema>;
export type BrainGetInput = z.input<typeof brainGetSchema>;
export type BrainListInput = z.input<typeof brainListSchema>;
export type BrainDeleteInput = z.input<typeof brainDeleteSchema>;
export type BrainHistoryInput = z.input<typeof brainHistorySchema>;

/**
 * What a change of a brain key did: `set` (created or replaced) or `delete`.
 *
 * @example
 * BRAIN_OPS.includes('delete'); // => true
 */
export const BRAIN_OPS = ['set', 'delete'] as const;

/**
 * What a change of a brain key did.
 *
 * @example
 * const op: BrainOp = 'set';
 */
export type BrainOp = (typeof BRAIN_OPS)[number];

/**
 * The current value of one brain key: its type, its JSON form (dates as ISO strings) and
 * the remote client's decoding all come from this one declaration.
 *
 * @example
 * const e: BrainEntry | null = await mem.brain.get({ key: 'identity.name' });
 */
export const brainEntrySchema = z
  .object({
    ...scopeOut,
    key: z.string().meta({ example: 'identity.name' }),
    value: anyJsonOut,
    category: z.string(),
    description: z.string(),
    priority: z.number().int(),
    /** Starts at 1, +1 on every change (deletes included), never reused for a key. */
    version: z.number().int(),
    /** null = never expires. */
    expiresAt: dateOut.nullable(),
    createdAt: dateOut,
    updatedAt: dateOut,
    createdBy: z.string(),
    updatedBy: z.string(),
  })
  .meta({ id: 'BrainEntry' });

/**
 * The current value of one brain key.
 *
 * @example
 * const e: BrainEntry | null = await mem.brain.get({ key: 'identity.name' });
 */
export type BrainEntry = z.output<typeof brainEntrySchema>;

/**
 * One change of a brain key. `oldValue` is null when the key was absent (or expired).
 *
 * @example
 * for (const h of await mem.brain.history({ key: 'identity.name' })) console.log(h.version, h.op, h.newValue);
 */
export const brainHistoryEntrySchema = z
  .object({
    op: z.enum(BRAIN_OPS),
    oldValue: anyJsonOut,
    newValue: anyJsonOut,
    version: z.number().int(),
    changedBy: z.string(),
    changedAt: dateOut,
  })
  .meta({ id: 'BrainHistoryEntry' });

/**
 * One change of a brain key.
 *
 * @example
 * const [first]: BrainHistoryEntry[] = await mem.brain.history({ key: 'identity.name' });
 */
export type BrainHistoryEntry = z.output<typeof brainHistoryEntrySchema>;

/**
 * The key-value brain: structured context under dot-notation keys, with versions,
 * optional expiry and a full change history.
 *
 * @example
 * const e = await mem.brain.set({ key: 'identity.name', value: 'Ada' });
 * await mem.brain.set({ key: 'identity.name', value: 'Ada L.', expectedVersion: e.version });
 * await mem.brain.list({ prefix: 'identity' });
 */
export interface Brain {
  /** Creates or replaces a key; `expectedVersion` makes it conditional (ConflictError otherwise). */
  set(input: BrainSetInput): Promise<BrainEntry>;
  /** The key, or null when it is absent or expired. */
  get(input: BrainGetInput): Promise<BrainEntry | null>;
  /** Keys of the scope (optionally under a prefix / in a category), ordered by key. */
  list(input?: BrainListInput): Promise<BrainEntry[]>;
  /** Deletes a key; false when it was absent or expired. */
  delete(input: BrainDeleteInput): Promise<boolean>;
  /** Changes of a key, oldest first (the most recent `limit`, default 100). */
  history(input: BrainHistoryInput): Promise<BrainHistoryEntry[]>;
}
