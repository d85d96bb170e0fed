/**
 * SQL of the LLM output cache: one function per statement, holding its text and its
 * values. Every statement starts from `tenant_id = $1`.
 */

import type { Db } from '../db/db.js';
import { Params } from '../db/sql.js';
import type { ResolvedScope } from '../scope.js';
import type { CacheStats } from './cache-schema.js';

/**
 * A hit in one round trip: bump the row's counters and the caller's stats together.
 * Why a CTE: the stats upsert only runs when the update found a live row.
 */
const HIT = `
with hit as (
  update llm_cache
     set access_count = access_count + 1, hit_count = hit_count + 1, last_accessed = $6
   where tenant_id = $1 and content_hash = $2 and (expires_at is null or expires_at > $6)
  returning content, latency_ms, cost, prompt_tokens + completion_tokens as tokens
), counted as (
  insert into llm_cache_stats as s
    (tenant_id, user_id, agent_id, session_id, hits, latency_saved_ms, cost_saved, tokens_saved, updated_at)
  select $1, $3, $4, $5, 1, latency_ms, cost, tokens, $6 from hit
  on conflict (tenant_id, user_id, agent_id, session_id) do update
     set hits = s.hits + 1,
         latency_saved_ms = s.latency_saved_ms + excluded.latency_saved_ms,
         cost_saved = s.cost_saved + excluded.cost_saved,
         tokens_saved = s.tokens_saved + excluded.tokens_saved,
         updated_at = excluded.updated_at
)
select content from hit`;

/**
 * Stores a computed output and counts the miss. Why `on conflict ... where expired`:
 * when another process stored the same key meanwhile, its live row wins (nothing is
 * returned and the caller reads it back); an expired row is replaced in place.
 */
const STORE = `
with counted as (
  insert into llm_cache_stats as s (tenant_id, user_id, agent_id, session_id, misses, updated_at)
  values ($1, $3, $4, $5, 1, $14)
  on conflict (tenant_id, user_id, agent_id, session_id) do update
     set misses = s.misses + 1, updated_at = excluded.updated_at
)
insert into llm_cache as c
  (tenant_id, content_hash, user_id, agent_id, session_id, content_type, content, model, prompt_tokens,
   completion_tokens, cost, latency_ms, size_bytes, access_count, hit_count, created_at, last_accessed, expires_at)
values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12, $13, 1, 0, $14, $14, $15)
on conflict (tenant_id, content_hash) do update
   set user_id = excluded.user_id, agent_id = excluded.agent_id, session_id = excluded.session_id,
       content_type = excluded.content_type, content = excluded.content, model = excluded.model,
       prompt_tokens = excluded.prompt_tokens, completion_tokens = excluded.completion_tokens,
       cost = excluded.cost, latency_ms = excluded.latency_ms, size_bytes = excluded.size_bytes,
       access_count = 1, hit_count = 0, created_at = excluded.created_at,
       last_accessed = excluded.last_accessed, expires_at = excluded.expires_at
 where c.expires_at is not null and c.expires_at <= excluded.created_at
returning content`;

/**
 * A live stored output for the key, counted as a hit for the caller's scope; null on a miss.
 *
 * @example
 * const found = await hit(db, scope, hash, clock.now());
 */
export async function hit(
  db: Db,
  s: ResolvedScope,
  hash: string,
  now: Date,
): Promise<{ content: unknown } | null> {
  const { rows } = await db.query<{ content: unknown }>(HIT, [
    s.tenant,
    hash,
    s.user,
    s.agent,
    s.session,
    now,
  ]);
  return rows[0] ?? null;
}

/**
 * A computed output as {@link store} writes it.
 *
 * @example
 * const o: StoredOutput = { hash, contentType: 'json', text: '{}', model: 'm', promptTokens: 0, completionTokens: 0, cost: 0, latencyMs: 1, bytes: 2, now, expiresAt: null };
 */
export interface StoredOutput {
  hash: string;
  contentType: string;
  /** The output as JSON text. */
  text: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  cost: number;
  latencyMs: number;
  bytes: number;
  now: Date;
  expiresAt: Date | null;
}

/**
 * Stores a computed output and counts the miss; null when another writer's live row won.
 *
 * @example
 * const stored = await store(db, scope, { hash, contentType: 'json', text, model, ... });
 */
export async function store(db: Db, s: ResolvedScope, o: StoredOutput): Promise<{ content: unknown } | null> {
  const { rows } = await db.query<{ content: unknown }>(STORE, [
    s.tenant,
    o.hash,
    s.user,
    s.agent,
    s.session,
    o.contentType,
    o.text,
    o.model,
    o.promptTokens,
    o.completionTokens,
    o.cost,
    o.latencyMs,
    o.bytes,
    o.now,
    o.expiresAt,
  ]);
  return rows[0] ?? null;
}

/**
 * The live row another writer stored first (its access counted); null if it is gone.
 *
 * @example
 * const other = await readBack(db, tenant, hash);
 */
export async function readBack(db: Db, tenant: string, hash: string): Promise<{ content: unknown } | null> {
  const { rows } = await db.query<{ content: unknown }>(
    `update llm_cache set access_count = access_count + 1
      where tenant_id = $1 and content_hash = $2
     returning content`,
    [tenant, hash],
  );
  return rows[0] ?? null;
}

/**
 * `tenant_id = $1` plus the scope parts that are set (user, agent, session), for
 * statements that act on a scope: a tenant alone means all of it.
 */
function scopeWhere(p: Params, s: ResolvedScope, alias = ''): string {
  const a = alias ? `${alias}.` : '';
  const parts = [`${a}tenant_id = ${p.add(s.tenant)}`];
  if (s.user) parts.push(`${a}user_id = ${p.add(s.user)}`);
  if (s.agent) parts.push(`${a}agent_id = ${p.add(s.agent)}`);
  if (s.session) parts.push(`${a}session_id = ${p.add(s.session)}`);
  return parts.join(' and ');
}

/**
 * The figures of a scope's stored outputs and its cumulative counters (hit rate not yet computed).
 *
 * @example
 * const { entries, hits } = await figures(db, scope);
 */
export async function figures(db: Db, s: ResolvedScope): Promise<Omit<CacheStats, 'hitRate'>> {
  const p1 = new Params();
  const size = await db.query<{ entries: number; bytes: number }>(
    `select count(*) as entries, coalesce(sum(size_bytes), 0) as bytes from llm_cache where ${scopeWhere(p1, s)}`,
    p1.values,
  );
  const p2 = new Params();
  const c = await db.query<Omit<CacheStats, 'hitRate' | 'entries' | 'bytes'>>(
    `select coalesce(sum(hits), 0) as hits, coalesce(sum(misses), 0) as misses,
       coalesce(sum(latency_saved_ms), 0) as "latencySavedMs", coalesce(sum(cost_saved), 0) as "costSaved",
       coalesce(sum(tokens_saved), 0) as "tokensSaved"
     from llm_cache_stats where ${scopeWhere(p2, s)}`,
    p2.values,
  );
  return {
    ...(size.rows[0] as { entries: number; bytes: number }),
    ...(c.rows[0] as Omit<CacheStats, 'hitRate' | 'entries' | 'bytes'>),
  };
}

/** The condition of {@link evictAged} and {@link countAged}: expired rows, and rows last used before a cutoff. */
function agedWhere(p: Params, s: ResolvedScope, now: Date, cutoff: Date | undefined): string {
  const where = scopeWhere(p, s);
  const nowP = p.add(now);
  const aged = cutoff ? ` or last_accessed < ${p.add(cutoff)}` : '';
  return `${where} and ((expires_at is not null and expires_at <= ${nowP})${aged})`;
}

/**
 * Deletes a scope's expired rows and, with a cutoff, its rows last used before it; returns
 * how many. With `limit`, at most that many (retention loops over batches: short locks).
 *
 * @example
 * const n = await evictAged(tx, scope, now, new Date(now.getTime() - 86_400_000));
 */
export async function evictAged(
  tx: Db,
  s: ResolvedScope,
  now: Date,
  cutoff: Date | undefined,
  limit?: number,
): Promise<number> {
  const p = new Params();
  const cond = agedWhere(p, s, now, cutoff);
  const sql =
    limit === undefined
      ? `delete from llm_cache where ${cond}`
      : `delete from llm_cache where (tenant_id, content_hash) in (
          select tenant_id, content_hash from llm_cache where ${cond} limit ${p.add(limit)})`;
  return (await tx.query(sql, p.values)).rowCount;
}

/**
 * How many rows {@link evictAged} would delete (a dry run's figure).
 *
 * @example
 * const n = await countAged(db, scope, now, undefined);
 */
export async function countAged(
  db: Db,
  s: ResolvedScope,
  now: Date,
  cutoff: Date | undefined,
): Promise<number> {
  const p = new Params();
  const { rows } = await db.query<{ n: number }>(
    `select count(*)::int as n from llm_cache where ${agedWhere(p, s, now, cutoff)}`,
    p.values,
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Deletes at most `limit` of the tenant's least recently used rows beyond the newest
 * `keep`; returns how many. Why offset: the LRU index (tenant_id, last_accessed) read
 * backwards skips the `keep` most recently used rows; the order is {@link evictToSize}'s.
 *
 * @example
 * while ((await evictToCount(db, scope, 100_000, 5000)) > 0) {}
 */
export async function evictToCount(tx: Db, s: ResolvedScope, keep: number, limit: number): Promise<number> {
  const p = new Params();
  const where = scopeWhere(p, s);
  const sql = `delete from llm_cache where (tenant_id, content_hash) in (
    select tenant_id, content_hash from llm_cache where ${where}
     order by last_accessed desc, content_hash desc offset ${p.add(keep)} limit ${p.add(limit)})`;
  return (await tx.query(sql, p.values)).rowCount;
}

/**
 * The tenants that have cache rows (retention bounds each tenant's cache on its own).
 *
 * @example
 * const tenants = await cacheTenants(db); // => ['acme', 'default']
 */
export async function cacheTenants(db: Db): Promise<string[]> {
  const { rows } = await db.query<{ t: string }>('select distinct tenant_id as t from llm_cache order by 1');
  return rows.map((r) => r.t);
}

/**
 * Deletes least recently used rows until the scope holds at most `maxBytes`; returns how
 * many. Why a window: the running total from the most recent row down marks, in one
 * statement, every row beyond the budget.
 *
 * @example
 * const n = await evictToSize(tx, scope, 10_000_000);
 */
export async function evictToSize(tx: Db, s: ResolvedScope, maxBytes: number): Promise<number> {
  const p = new Params();
  const where = scopeWhere(p, s);
  const sql = `delete from llm_cache c using (
    select tenant_id, content_hash,
           sum(size_bytes) over (order by last_accessed desc, content_hash desc
                                 rows between unbounded preceding and current row) as running
      from llm_cache where ${where}
  ) t
  where c.tenant_id = t.tenant_id and c.content_hash = t.content_hash and t.running > ${p.add(maxBytes)}`;
  return (await tx.query(sql, p.values)).rowCount;
}

/**
 * Deletes every stored output of a scope; returns how many.
 *
 * @example
 * const removed = await clearScope(db, scope);
 */
export async function clearScope(db: Db, s: ResolvedScope): Promise<number> {
  const p = new Params();
  return (await db.query(`delete from llm_cache where ${scopeWhere(p, s)}`, p.values)).rowCount;
}
