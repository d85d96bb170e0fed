/**
 * SQL of the LLM output cache. Every statement starts from `tenant_id = $1`.
 */

import type { Params } from '../db/sql.js';
import type { ResolvedScope } from '../scope.js';

/**
 * A hit in one round trip: bump the row's counters and the caller's stats together.
 * Why a CTE: the stats upsert only runs when the update found a live row.
 * $1 tenant, $2 hash, $3 user, $4 agent, $5 session, $6 now.
 */
export const HIT = `
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
 * $1 tenant, $2 hash, $3 user, $4 agent, $5 session, $6 content_type, $7 content,
 * $8 model, $9 prompt_tokens, $10 completion_tokens, $11 cost, $12 latency_ms,
 * $13 size_bytes, $14 now, $15 expires_at.
 */
export const STORE = `
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

/** The live row another writer stored first. $1 tenant, $2 hash. */
export const READ_BACK = `
update llm_cache set access_count = access_count + 1
 where tenant_id = $1 and content_hash = $2
returning content`;

/**
 * `tenant_id = $1` plus the scope parts that are set (user, agent, session), for
 * statements that act on a scope: a tenant alone means all of it.
 */
export function scopeWhere(p: Params, s: ResolvedScope, alias = ''): string {
  const a = alias ? `${alias}.` : '';
  const parts = [`${a}tenant_id = ${p.add(s.tenant)}`];
  if (s.user) parts.push(`${a}user_id = ${p.add(s.user)}`);
  if (s.agent) parts.push(`${a}agent_id = ${p.add(s.agent)}`);
  if (s.session) parts.push(`${a}session_id = ${p.add(s.session)}`);
  return parts.join(' and ');
}

/** Row counts and size of a scope's stored outputs. */
export function sizeQuery(p: Params, s: ResolvedScope): string {
  return `select count(*) as entries, coalesce(sum(size_bytes), 0) as bytes from llm_cache where ${scopeWhere(p, s)}`;
}

/** Cumulative counters of a scope. */
export function countersQuery(p: Params, s: ResolvedScope): string {
  return `select coalesce(sum(hits), 0) as hits, coalesce(sum(misses), 0) as misses,
       coalesce(sum(latency_saved_ms), 0) as latency_saved_ms, coalesce(sum(cost_saved), 0) as cost_saved,
       coalesce(sum(tokens_saved), 0) as tokens_saved
  from llm_cache_stats where ${scopeWhere(p, s)}`;
}

/** Deletes expired rows and, with a cutoff, rows last used before it. */
export function evictAgedQuery(p: Params, s: ResolvedScope, now: Date, cutoff: Date | undefined): string {
  const nowP = p.add(now);
  const aged = cutoff ? ` or last_accessed < ${p.add(cutoff)}` : '';
  return `delete from llm_cache where ${scopeWhere(p, s)}
   and ((expires_at is not null and expires_at <= ${nowP})${aged})`;
}

/**
 * Deletes least recently used rows until the scope holds at most `maxBytes`. Why a
 * window: the running total from the most recent row down marks, in one statement,
 * every row beyond the budget.
 */
export function evictToSizeQuery(p: Params, s: ResolvedScope, maxBytes: number): string {
  const where = scopeWhere(p, s);
  return `delete from llm_cache c using (
    select tenant_id, content_hash,
           sum(size_bytes) over (order by last_accessed desc, content_hash desc
                                 rows between unbounded preceding and current row) as running
      from llm_cache where ${where}
  ) t
  where c.tenant_id = t.tenant_id and c.content_hash = t.content_hash and t.running > ${p.add(maxBytes)}`;
}

/** Deletes every row of a scope. */
export function clearQuery(p: Params, s: ResolvedScope): string {
  return `delete from llm_cache where ${scopeWhere(p, s)}`;
}
