/**
 * The content-addressed LLM output cache: equal work (same model, prompt version,
 * input and parameters) is paid for once per tenant, whichever process asks.
 */
import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { Params } from '../db/sql.js';
import { InvalidInputError } from '../errors.js';
import { type ResolvedScope, resolveScope } from '../scope.js';
import { parse } from '../validation.js';
import {
  clearQuery,
  countersQuery,
  evictAgedQuery,
  evictToSizeQuery,
  HIT,
  READ_BACK,
  STORE,
  sizeQuery,
} from './cache-queries.js';
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
export function createLlmCache({ db, clock }: LlmCacheDeps): LlmCache {
  /** Computes in progress in this process, by tenant and hash: concurrent askers share one. */
  const inflight = new Map<string, Promise<CacheResult>>();

  async function lookup(s: ResolvedScope, hash: string): Promise<CacheResult | null> {
    const { rows } = await db.query<{ content: unknown }>(HIT, [
      s.tenant,
      hash,
      s.user,
      s.agent,
      s.session,
      clock.now(),
    ]);
    return rows.length ? { content: rows[0].content, hit: true, hash } : null;
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
    const stored = await db.query<{ content: unknown }>(STORE, [
      s.tenant,
      hash,
      s.user,
      s.agent,
      s.session,
      i.contentType,
      text,
      out.model ?? i.key.model,
      out.promptTokens ?? 0,
      out.completionTokens ?? 0,
      out.cost ?? 0,
      out.latencyMs ?? measured,
      bytes,
      now,
      expires,
    ]);
    if (stored.rows.length) return { content: stored.rows[0].content, hit: false, hash };
    // Another process stored this key first: answer with its output, so every caller agrees.
    const other = await db.query<{ content: unknown }>(READ_BACK, [s.tenant, hash]);
    return { content: other.rows.length ? other.rows[0].content : out.content, hit: false, hash };
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
        return ((await lookup(s, hash)) ?? { ...leader, hit: true }) as CacheResult<T>;
      }
      const run = (async () => (await lookup(s, hash)) ?? computeAndStore(s, hash, i))();
      inflight.set(flight, run);
      try {
        return (await run) as CacheResult<T>;
      } finally {
        inflight.delete(flight);
      }
    },

    async stats(input = {}): Promise<CacheStats> {
      const s = resolveScope(parse(cacheScopeInputSchema, input, 'stats input').scope);
      const p1 = new Params();
      const size = await db.query<{ entries: number; bytes: number }>(sizeQuery(p1, s), p1.values);
      const p2 = new Params();
      const c = await db.query<{
        hits: number;
        misses: number;
        latency_saved_ms: number;
        cost_saved: number;
        tokens_saved: number;
      }>(countersQuery(p2, s), p2.values);
      const { hits, misses } = c.rows[0];
      return {
        entries: size.rows[0].entries,
        bytes: size.rows[0].bytes,
        hits,
        misses,
        hitRate: hits + misses > 0 ? hits / (hits + misses) : 0,
        latencySavedMs: c.rows[0].latency_saved_ms,
        costSaved: c.rows[0].cost_saved,
        tokensSaved: c.rows[0].tokens_saved,
      };
    },

    async evict(input = {}): Promise<number> {
      const i = parse(evictSchema, input, 'evict input');
      const s = resolveScope(i.scope);
      const now = clock.now();
      return db.transaction(async (tx) => {
        const p = new Params();
        const cutoff =
          i.olderThanSeconds === undefined ? undefined : new Date(now.getTime() - i.olderThanSeconds * 1000);
        let n = (await tx.query(evictAgedQuery(p, s, now, cutoff), p.values)).rowCount;
        if (i.maxBytes !== undefined) {
          const q = new Params();
          n += (await tx.query(evictToSizeQuery(q, s, i.maxBytes), q.values)).rowCount;
        }
        return n;
      });
    },

    async clear(input = {}): Promise<number> {
      const s = resolveScope(parse(cacheScopeInputSchema, input, 'clear input').scope);
      const p = new Params();
      return (await db.query(clearQuery(p, s), p.values)).rowCount;
    },
  };
}
