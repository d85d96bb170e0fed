/**
 * The content-addressed LLM output cache: equal work (same model, prompt version,
 * input and parameters) is paid for once per tenant, whichever process asks.
 */
import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { InvalidInputError } from '../errors.js';
import { type ResolvedScope, resolveScope } from '../scope.js';
import { parse } from '../validation.js';
import { clearScope, evictAged, evictToSize, figures, hit, readBack, store } from './cache-queries.js';
import {
  CACHE_MAX_CONTENT_BYTES,
  type CacheResult,
  type CacheStats,
  cacheComputedSchema,
  cacheScopeInputSchema,
  evictSchema,
  type GetOrComputeInput,
  getOrComputeSchema,
  type LlmCache,
} from './cache-schema.js';
import { contentHash } from './canonical-json.js';

/** Dependencies of {@link createLlmCache}. */
export interface LlmCacheDeps {
  db: Db;
  clock: Clock;
  /** Told about each `getOrCompute` answered: `true` for a hit (metrics). */
  onLookup?: (hit: boolean) => void;
}

/**
 * Creates the LLM output cache on a migrated store.
 *
 * @example
 * const cache = createLlmCache({ db, clock: systemClock });
 * const { content, hit } = await cache.getOrCompute({
 *   scope: { user: 'alice' },
 *   key: { model: 'gpt-4o-mini', promptVersion: 'extract-v1', input: { text }, params: { temperature: 0 } },
 *   compute: async () => {
 *     const r = await llm.completeJson({ ... });
 *     return { content: r.data, promptTokens: r.usage.promptTokens, completionTokens: r.usage.completionTokens,
 *              cost: r.usage.cost, latencyMs: r.latencyMs, model: r.model };
 *   },
 * });
 */
export function createLlmCache({ db, clock, onLookup }: LlmCacheDeps): LlmCache {
  /** Computes in progress in this process, by tenant and hash: concurrent askers share one. */
  const inflight = new Map<string, Promise<CacheResult>>();

  async function lookup(s: ResolvedScope, hash: string): Promise<CacheResult | null> {
    const found = await hit(db, s, hash, clock.now());
    return found ? { content: found.content, hit: true, hash } : null;
  }

  async function computeAndStore(
    s: ResolvedScope,
    hash: string,
    i: ReturnType<typeof parseGet>,
  ): Promise<CacheResult> {
    const started = performance.now();
    const raw = await i.compute();
    const measured = performance.now() - started;
    const out = parse(cacheComputedSchema, raw, 'compute() result');
    const text = JSON.stringify(out.content);
    const bytes = Buffer.byteLength(text);
    if (bytes > CACHE_MAX_CONTENT_BYTES)
      throw new InvalidInputError(
        `the computed output is ${bytes} bytes as JSON; the cache stores at most ${CACHE_MAX_CONTENT_BYTES}`,
        'content',
      );
    const now = clock.now();
    const expires = i.ttlSeconds === undefined ? null : new Date(now.getTime() + i.ttlSeconds * 1000);
    const stored = await store(db, s, {
      hash,
      contentType: i.contentType,
      text,
      model: out.model ?? i.key.model,
      promptTokens: out.promptTokens ?? 0,
      completionTokens: out.completionTokens ?? 0,
      cost: out.cost ?? 0,
      latencyMs: out.latencyMs ?? measured,
      bytes,
      now,
      expiresAt: expires,
    });
    if (stored) return { content: stored.content, hit: false, hash };
    // Another process stored this key first: answer with its output, so every caller agrees.
    const other = await readBack(db, s.tenant, hash);
    return { content: other ? other.content : out.content, hit: false, hash };
  }

  function parseGet(input: unknown) {
    return parse(getOrComputeSchema, input, 'getOrCompute input');
  }

  return {
    async getOrCompute<T>(input: GetOrComputeInput<T>): Promise<CacheResult<T>> {
      const i = parseGet(input);
      const s = resolveScope(i.scope);
      const hash = contentHash(i.key);
      const flight = `${s.tenant}\u0000${hash}`;
      const running = inflight.get(flight);
      if (running) {
        // Wait for the compute in progress (its error is ours too), then count a hit.
        const leader = await running;
        onLookup?.(true);
        return ((await lookup(s, hash)) ?? { ...leader, hit: true }) as CacheResult<T>;
      }
      const run = (async () => (await lookup(s, hash)) ?? computeAndStore(s, hash, i))();
      inflight.set(flight, run);
      try {
        const r = await run;
        onLookup?.(r.hit);
        return r as CacheResult<T>;
      } finally {
        inflight.delete(flight);
      }
    },

    async stats(input = {}): Promise<CacheStats> {
      const s = resolveScope(parse(cacheScopeInputSchema, input, 'stats input').scope);
      const f = await figures(db, s);
      const asked = f.hits + f.misses;
      return { ...f, hitRate: asked > 0 ? f.hits / asked : 0 };
    },

    async evict(input = {}): Promise<number> {
      const i = parse(evictSchema, input, 'evict input');
      const s = resolveScope(i.scope);
      const now = clock.now();
      return db.transaction(async (tx) => {
        const cutoff =
          i.olderThanSeconds === undefined ? undefined : new Date(now.getTime() - i.olderThanSeconds * 1000);
        let n = await evictAged(tx, s, now, cutoff);
        if (i.maxBytes !== undefined) n += await evictToSize(tx, s, i.maxBytes);
        return n;
      });
    },

    async clear(input = {}): Promise<number> {
      const s = resolveScope(parse(cacheScopeInputSchema, input, 'clear input').scope);
      return clearScope(db, s);
    },
  };
}
