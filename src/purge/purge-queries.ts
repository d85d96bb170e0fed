import type { Db } from '../db/db.js';
import { Params } from '../db/sql.js';

/**
 * SQL of purge: one function per statement, holding its text and its values. Each
 * delete returns the rows it removed (`user_id`, and `id` where later steps need it).
 */

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
 * A deleted row: its user (whose cached LLM outputs go too) and, where a cascade needs
 * it, its id.
 *
 * @example
 * const rows: Deleted[] = await deleteScopeRows(tx, 'episodes', tenant, filter);
 */
export interface Deleted {
  id?: string;
  user_id: string;
}

/**
 * Tables whose scope rows one plain delete removes.
 *
 * @example
 * const t: SimpleTable = 'sessions';
 */
export type SimpleTable = 'episodes' | 'decisions' | 'sessions' | 'brain' | 'brain_history' | 'conflicts';

/**
 * Deletes the rows of a scope from one table (none when the table lacks a part the
 * filter names; an empty filter is the whole tenant).
 *
 * @example
 * await deleteScopeRows(tx, 'sessions', 'acme', { user: 'alice', agent: '', session: '' });
 */
export async function deleteScopeRows(
  tx: Db,
  table: SimpleTable,
  tenant: string,
  f: PurgeFilter,
): Promise<Deleted[]> {
  const p = new Params();
  p.add(tenant);
  const c = scopeCondition(p, COLUMNS[table], f);
  if (!c) return [];
  // The brain has no id column (its key is the row): only the user is returned.
  const ret = table === 'brain' || table === 'brain_history' ? 'user_id' : 'user_id, id';
  // `table` is one of SimpleTable's literal names, never caller text.
  const { rows } = await tx.query<Deleted>(
    `delete from ${table} where tenant_id = $1 and ${c} returning ${ret}`,
    p.values,
  );
  return rows;
}

/**
 * Deletes one episode or decision by id, within the scope.
 *
 * @example
 * await deleteOne(tx, 'episodes', tenant, id, filter);
 */
export async function deleteOne(
  tx: Db,
  table: 'episodes' | 'decisions',
  tenant: string,
  id: string,
  f: PurgeFilter,
): Promise<Deleted[]> {
  const p = new Params();
  p.add(tenant);
  const where = `id = ${p.add(id)} and ${scopeCondition(p, COLUMNS.episodes, f)}`;
  const { rows } = await tx.query<Deleted>(
    `delete from ${table} where tenant_id = $1 and ${where} returning id, user_id`,
    p.values,
  );
  return rows;
}

/**
 * Deletes a brain key of a user and agent from the brain or its history.
 *
 * @example
 * await deleteBrainKey(tx, 'brain', { tenant, user: 'alice', agent: '', key: 'identity.name' });
 */
export async function deleteBrainKey(
  tx: Db,
  table: 'brain' | 'brain_history',
  k: { tenant: string; user: string; agent: string; key: string },
): Promise<Deleted[]> {
  const { rows } = await tx.query<Deleted>(
    `delete from ${table} where tenant_id = $1 and user_id = $2 and agent_id = $3 and key = $4 returning user_id`,
    [k.tenant, k.user, k.agent, k.key],
  );
  return rows;
}

/**
 * Deletes the facts matching a seed and every other version of them. Why the walk: a
 * superseded version usually repeats most of the content of its successor, so purging
 * one version and keeping the others would keep a copy. The chain is walked both ways
 * (older versions point at newer ones through superseded_by). The seed is the facts of
 * a scope, one fact by id (within the scope), or the facts citing purged episodes.
 *
 * @example
 * await deleteFactChains(tx, tenant, { id: factId, filter });
 */
export async function deleteFactChains(
  tx: Db,
  tenant: string,
  seed: { filter: PurgeFilter; id?: string } | { episodeIds: string[] },
): Promise<Deleted[]> {
  const p = new Params();
  p.add(tenant);
  let where: string;
  if ('episodeIds' in seed) where = `source_episode_ids && ${p.add(seed.episodeIds)}::uuid[]`;
  else if (seed.id !== undefined)
    where = `id = ${p.add(seed.id)} and ${scopeCondition(p, COLUMNS.facts, seed.filter)}`;
  else where = scopeCondition(p, COLUMNS.facts, seed.filter) ?? 'false';
  const { rows } = await tx.query<Deleted>(
    `with recursive chain(id) as (
      select id from facts where tenant_id = $1 and (${where})
      union
      select f.id from chain c
        join facts x on x.id = c.id
        join facts f on f.tenant_id = $1 and (f.superseded_by = c.id or f.id = x.superseded_by)
    )
    delete from facts where tenant_id = $1 and id in (select id from chain)
    returning id, user_id`,
    p.values,
  );
  return rows;
}

/**
 * Deletes the decisions recorded on purged episodes.
 *
 * @example
 * await deleteDecisionsOfEpisodes(tx, tenant, episodeIds);
 */
export async function deleteDecisionsOfEpisodes(
  tx: Db,
  tenant: string,
  episodeIds: string[],
): Promise<Deleted[]> {
  const { rows } = await tx.query<Deleted>(
    'delete from decisions where tenant_id = $1 and episode_id = any($2::uuid[]) returning id, user_id',
    [tenant, episodeIds],
  );
  return rows;
}

/**
 * Deletes the conflicts naming a purged fact.
 *
 * @example
 * await deleteConflictsOfFacts(tx, tenant, factIds);
 */
export async function deleteConflictsOfFacts(tx: Db, tenant: string, factIds: string[]): Promise<Deleted[]> {
  const { rows } = await tx.query<Deleted>(
    'delete from conflicts where tenant_id = $1 and fact_ids && $2::uuid[] returning id, user_id',
    [tenant, factIds],
  );
  return rows;
}

/**
 * Deletes the tasks of a scope. Tasks have no session column: a session's tasks are
 * found by the session their payload names (`session`, `sessionId` or `scope.session`).
 *
 * @example
 * await deleteScopeTasks(tx, tenant, { user: '', agent: '', session: 's1' });
 */
export async function deleteScopeTasks(tx: Db, tenant: string, f: PurgeFilter): Promise<Deleted[]> {
  const t = new Params();
  t.add(tenant);
  const parts = [scopeCondition(t, COLUMNS.tasks, { ...f, session: '' }) ?? 'false'];
  if (f.session) {
    const sp = t.add(f.session);
    parts.push(
      `(payload->>'session' = ${sp} or payload->>'sessionId' = ${sp} or payload->'scope'->>'session' = ${sp})`,
    );
  }
  const { rows } = await tx.query<Deleted>(
    `delete from tasks where tenant_id = $1 and ${parts.join(' and ')} returning user_id, id`,
    t.values,
  );
  return rows;
}

/**
 * Deletes cached LLM outputs: the scope's own rows (`filter`, null for none) and the
 * rows of every user whose content went (cached outputs may be derived from it).
 *
 * @example
 * await deleteCacheRows(tx, tenant, filter, ['alice']);
 */
export async function deleteCacheRows(
  tx: Db,
  tenant: string,
  filter: PurgeFilter | null,
  users: string[],
): Promise<Deleted[]> {
  const p = new Params();
  p.add(tenant);
  const own = filter ? scopeCondition(p, COLUMNS.llm_cache, filter) : null;
  const ofUsers = `user_id = any(${p.add(users)}::text[])`;
  const { rows } = await tx.query<Deleted>(
    `delete from llm_cache where tenant_id = $1 and (${own ? `(${own}) or ` : ''}${ofUsers}) returning user_id`,
    p.values,
  );
  return rows;
}

/**
 * Writes the audit record of a purge (who, why, how many rows; never the content).
 *
 * @example
 * const auditId = await insertAudit(tx, { tenant, target: { user: 'alice' }, counts, reason: '', by: 'dpo', at: now });
 */
export async function insertAudit(
  tx: Db,
  a: { tenant: string; target: object; counts: object; reason: string; by: string; at: Date },
): Promise<string> {
  const { rows } = await tx.query<{ id: string }>(
    `insert into purge_audit (tenant_id, target, counts, reason, purged_by, purged_at)
     values ($1, $2::jsonb, $3::jsonb, $4, $5, $6) returning id`,
    [a.tenant, JSON.stringify(a.target), JSON.stringify(a.counts), a.reason, a.by, a.at],
  );
  return rows[0]?.id as string;
}

/**
 * Folds recall's pending statistics now (waiting for a running fold), so no lexeme of
 * the purged text stays in recall_stats(_delta) once the purge commits (migration 0013).
 * @example await foldRecallStats(tx);
 */
export async function foldRecallStats(tx: Db): Promise<void> {
  await tx.query('select recall_stats_fold(true)');
}
