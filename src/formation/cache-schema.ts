/**
 * Input schemas and public types of the content-addressed LLM output cache.
 */
import { z } from 'zod';
import type { Scope } from '../scope.js';
import { scopeSchema } from '../scope.js';
import { jsonObject, jsonValue, LIMITS } from '../validation.js';

/** Largest output the cache stores, as JSON text, in bytes. */
export const CACHE_MAX_CONTENT_BYTES = 4 * 1024 * 1024;

/** Longest TTL accepted: ten years, in seconds. */
const MAX_TTL_SECONDS = 10 * 365 * 24 * 3600;

/** Zod schema of a cache key: everything that shapes the output. */
export const cacheKeySchema = z
  .object({
    model: z
      .string({ error: 'is required: the model that produces the output' })
      .trim()
      .min(1, 'must not be empty: the model that produces the output')
      .max(LIMITS.shortText),
    promptVersion: z.union(
      [z.string().trim().min(1, 'must not be empty').max(LIMITS.shortText), z.number().finite()],
      {
        error:
          'is required: a string or number naming the version of the prompt (bump it when the prompt changes)',
      },
    ),
    input: jsonValue,
    params: jsonObject.optional(),
  })
  .strict();

/** What `compute` returns on a miss: the output, and what producing it cost. */
export interface CacheComputed<T = unknown> {
  /** The output to cache (JSON). */
  content: T;
  /** The model that actually answered (defaults to the key's model). */
  model?: string;
  promptTokens?: number;
  completionTokens?: number;
  /** USD spent producing it. */
  cost?: number;
  /** Time it took to produce, in ms (defaults to the measured time of `compute`). */
  latencyMs?: number;
}

const count = z.number().int('must be a whole number').nonnegative('must be 0 or more');

/** Zod schema of what `compute` must return. */
export const cacheComputedSchema = z.object({
  content: jsonValue,
  model: z.string().max(LIMITS.shortText).optional(),
  promptTokens: count.optional(),
  completionTokens: count.optional(),
  cost: z.number().nonnegative('must be 0 or more').finite().optional(),
  latencyMs: z.number().nonnegative('must be 0 or more').finite().optional(),
});

/** Input of `getOrCompute`. */
export interface GetOrComputeInput<T = unknown> {
  scope?: Scope;
  /** Model, prompt version, input and params: hashed into the cache key. Never put timestamps or random ids here. */
  key: { model: string; promptVersion: string | number; input: unknown; params?: Record<string, unknown> };
  /** Produces the output on a miss; called at most once per key at a time in this process. */
  compute: () => Promise<CacheComputed<T>>;
  /** Lifetime of a stored output in seconds; default forever (until evicted). */
  ttlSeconds?: number;
  /** Label of what the output is (`facts`, `summary`, ...); default `json`. */
  contentType?: string;
}

/** Zod schema of {@link GetOrComputeInput}. */
export const getOrComputeSchema = z
  .object({
    scope: scopeSchema,
    key: cacheKeySchema,
    compute: z.custom<() => Promise<CacheComputed>>((v) => typeof v === 'function', {
      message: 'must be a function returning a promise of { content, ... }',
    }),
    ttlSeconds: z
      .number()
      .positive('must be greater than 0 (omit it to keep the output until evicted)')
      .max(MAX_TTL_SECONDS, `must be at most ${MAX_TTL_SECONDS} (ten years)`)
      .optional(),
    contentType: z.string().trim().min(1).max(LIMITS.shortText).default('json'),
  })
  .strict();

/** Result of `getOrCompute`. */
export interface CacheResult<T = unknown> {
  /** The cached or freshly computed output. */
  content: T;
  /** True when no compute ran for this call (stored output, or one computed concurrently by this process). */
  hit: boolean;
  /** The content hash: sha256 hex of the canonical key. */
  hash: string;
}

/** Zod schema of the input of `stats` and `clear`. */
export const cacheScopeInputSchema = z.object({ scope: scopeSchema }).strict().default({ scope: {} });

/** Zod schema of the input of `evict`. */
export const evictSchema = z
  .object({
    scope: scopeSchema,
    olderThanSeconds: z.number().nonnegative('must be 0 or more').finite().optional(),
    maxBytes: z.number().int('must be a whole number').nonnegative('must be 0 or more').optional(),
  })
  .strict()
  .default({ scope: {} });

/**
 * Cache figures for a scope. Hits and misses are cumulative: they survive eviction and clear.
 *
 * @example
 * const { hitRate, costSaved }: CacheStats = await mem.cache.stats();
 */
export const cacheStatsSchema = z
  .object({
    /** Stored outputs (expired ones included until evicted). */
    entries: z.number().int(),
    /** Their size as JSON text, in bytes. */
    bytes: z.number().int(),
    hits: z.number().int(),
    misses: z.number().int(),
    /** hits / (hits + misses), 0 when nothing was asked. */
    hitRate: z.number(),
    /** Time the hits did not spend waiting for a model, in ms. */
    latencySavedMs: z.number(),
    /** USD the hits did not spend. */
    costSaved: z.number(),
    /** Prompt + completion tokens the hits did not spend. */
    tokensSaved: z.number().int(),
  })
  .meta({ id: 'CacheStats' });

/**
 * Cache figures for a scope.
 *
 * @example
 * const stats: CacheStats = await mem.cache.stats({ scope: { user: 'alice' } });
 */
export type CacheStats = z.output<typeof cacheStatsSchema>;

/**
 * Input of `cache.stats` and `cache.clear` as an operation declares it (a scope only).
 *
 * @example
 * parse(cacheScopeSchema, { scope: { user: 'alice' } });
 */
export const cacheScopeSchema = z.strictObject({ scope: scopeSchema });

/**
 * The cache as every memory offers it, in process and remote: its figures, and
 * clearing it (admin over HTTP).
 *
 * @example
 * const cache: CacheFigures = mem.cache; await cache.clear({ scope: { user: 'alice' } });
 */
export interface CacheFigures {
  /** Figures for a scope (a tenant, narrowed by user/agent/session when given). */
  stats(input?: { scope?: Scope }): Promise<CacheStats>;
  /** Removes every stored output of a scope; returns how many. */
  clear(input?: { scope?: Scope }): Promise<number>;
}

/** The LLM output cache (in process: `getOrCompute` takes a function, which cannot travel). */
export interface LlmCache extends CacheFigures {
  /** Returns the stored output for the key, or computes, stores and returns it. */
  getOrCompute<T = unknown>(input: GetOrComputeInput<T>): Promise<CacheResult<T>>;
  /** Removes expired outputs, outputs not used for `olderThanSeconds`, then least recently used ones until under `maxBytes`. */
  evict(input?: { scope?: Scope; olderThanSeconds?: number; maxBytes?: number }): Promise<number>;
}
