import type { Params } from '../db/sql.js';

/**
 * The scope parts a purge matches on ('' = not part of the target).
 *
 * @example
 * const f: PurgeFilter = { user: 'alice', agent: '', session: '' };
 */
export interface PurgeFilter {
  user: string;
  agent: string;
  session: string;
}

/**
 * The columns of a table that hold each scope part (absent = the table has none).
 *
 * @example
 * const cols: ScopeColumns = { user: 'user_id', session: 'session_id' };
 */
export interface ScopeColumns {
  user?: string;
  agent?: string;
  session?: string;
}

/**
 * The condition matching a filter on one table, or null when the filter names a scope
 * part the table does not have (its rows are not in that scope: a brain key belongs to
 * a user and agent, never to a session). An empty filter matches the whole tenant.
 *
 * @example
 * scopeCondition(p, COLUMNS.brain, { user: 'alice', agent: '', session: 's1' }) // => null (brain has no session)
 */
export function scopeCondition(p: Params, cols: ScopeColumns, f: PurgeFilter): string | null {
  const parts: string[] = [];
  for (const k of ['user', 'agent', 'session'] as const) {
    if (!f[k]) continue;
    const col = cols[k];
    if (!col) return null;
    parts.push(`${col} = ${p.add(f[k])}`);
  }
  return parts.length ? parts.join(' and ') : 'true';
}

/**
 * Scope columns of each purged table.
 *
 * @example
 * COLUMNS.sessions.session // => 'id'
 */
export const COLUMNS = {
  episodes: { user: 'user_id', agent: 'agent_id', session: 'session_id' },
  facts: { user: 'user_id', agent: 'agent_id', session: 'session_id' },
  decisions: { user: 'user_id', agent: 'agent_id', session: 'session_id' },
  sessions: { user: 'user_id', agent: 'agent_id', session: 'id' },
  llm_cache: { user: 'user_id', agent: 'agent_id', session: 'session_id' },
  tasks: { user: 'user_id', agent: 'agent_id' },
  brain: { user: 'user_id', agent: 'agent_id' },
  brain_history: { user: 'user_id', agent: 'agent_id' },
  conflicts: { user: 'user_id' },
} satisfies Record<string, ScopeColumns>;

/**
 * Deletes the facts matching `seed` and every other version of them. Why the walk: a
 * superseded version usually repeats most of the content of its successor, so purging
 * one version and keeping the others would keep a copy. The chain is walked both ways
 * (older versions point at newer ones through superseded_by). `$1` must be the tenant.
 *
 * @example
 * await tx.query(deleteFactChains('id = $2'), [tenant, factId]);
 */
export function deleteFactChains(seed: string): string {
  return `with recursive chain(id) as (
    select id from facts where tenant_id = $1 and (${seed})
    union
    select f.id from chain c
      join facts x on x.id = c.id
      join facts f on f.tenant_id = $1 and (f.superseded_by = c.id or f.id = x.superseded_by)
  )
  delete from facts where tenant_id = $1 and id in (select id from chain)
  returning id, user_id`;
}

/** Params: $1 tenant, $2 target jsonb, $3 counts jsonb, $4 reason, $5 by, $6 when. */
export const INSERT_AUDIT = `insert into purge_audit (tenant_id, target, counts, reason, purged_by, purged_at)
values ($1, $2::jsonb, $3::jsonb, $4, $5, $6) returning id`;
