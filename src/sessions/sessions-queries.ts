/**
 * The SQL of sessions: one function per statement, holding its text, passing its values
 * and returning typed rows (selected with camelCase aliases, so rows are the records).
 */
import type { Db } from '../db/db.js';
import { ownerFilters, Params, type ScopeMatch } from '../db/sql.js';
import type { ResolvedScope } from '../scope.js';
import type { Session } from './sessions-schema.js';

/** Columns of a {@link Session}, aliased to its field names. */
const SESSION = `id, tenant_id as tenant, user_id as "user", agent_id as agent, started_at as "startedAt",
  ended_at as "endedAt", summary, metadata`;

/**
 * Inserts a session; undefined when the id is taken in the tenant.
 *
 * Why `do nothing`: the id is unique per tenant, and a taken id must be a conflict, not an error.
 *
 * @example
 * const s = await insertSession(db, { scope, id: 'run-42', now, metadata: {} });
 */
export async function insertSession(
  db: Db,
  v: { scope: ResolvedScope; id: string; now: Date; metadata: Record<string, unknown> },
): Promise<Session | undefined> {
  const { rows } = await db.query<Session>(
    `insert into sessions (tenant_id, id, user_id, agent_id, started_at, metadata)
      values ($1, $2, $3, $4, $5, $6::jsonb)
      on conflict (tenant_id, id) do nothing
      returning ${SESSION}`,
    [v.scope.tenant, v.id, v.scope.user, v.scope.agent, v.now, JSON.stringify(v.metadata)],
  );
  return rows[0];
}

/**
 * Ends an active session of the scope (a summary given replaces the stored one);
 * undefined when there is no active session with that id in the scope.
 *
 * @example
 * const ended = await endSession(db, { scope, id: 'run-42', now, summary: 'shipped' });
 */
export async function endSession(
  db: Db,
  v: { scope: ResolvedScope; id: string; now: Date; summary: string | null },
): Promise<Session | undefined> {
  const { rows } = await db.query<Session>(
    `update sessions set ended_at = $5, summary = coalesce($6::text, summary)
      where tenant_id = $1 and user_id = $2 and agent_id = $3 and id = $4 and ended_at is null
      returning ${SESSION}`,
    [v.scope.tenant, v.scope.user, v.scope.agent, v.id, v.now, v.summary],
  );
  return rows[0];
}

/**
 * One session of the scope (exact user and agent), or null.
 *
 * @example
 * const s = await getSession(db, scope, 'run-42');
 */
export async function getSession(db: Db, scope: ResolvedScope, id: string): Promise<Session | null> {
  const { rows } = await db.query<Session>(
    `select ${SESSION} from sessions
      where tenant_id = $1 and user_id = $2 and agent_id = $3 and id = $4`,
    [scope.tenant, scope.user, scope.agent, id],
  );
  return rows[0] ?? null;
}

/**
 * What {@link listSessions} selects: `active` true = not ended, false = ended, undefined = both.
 *
 * @example
 * const q: ListSessions = { scope, active: true, limit: 100, scopeMatch: 'exact' };
 */
export interface ListSessions {
  scope: ResolvedScope;
  active?: boolean;
  limit: number;
  scopeMatch: ScopeMatch;
}

/**
 * Sessions of the scope, most recently started first.
 *
 * @example
 * const items = await listSessions(db, { scope, limit: 100, scopeMatch: 'exact' });
 */
export async function listSessions(db: Db, q: ListSessions): Promise<Session[]> {
  const p = new Params();
  const where = [
    `tenant_id = ${p.add(q.scope.tenant)}`,
    ...ownerFilters(p, q.scope, ['user', 'agent'], q.scopeMatch),
  ];
  if (q.active === true) where.push('ended_at is null');
  if (q.active === false) where.push('ended_at is not null');
  const sql = `select ${SESSION} from sessions where ${where.join(' and ')}
    order by started_at desc, id limit ${p.add(q.limit)}`;
  return (await db.query<Session>(sql, p.values)).rows;
}
