/**
 * The SQL of the decisions area: each statement is one function that holds its text,
 * passes its values and returns its rows as {@link Decision}s (the columns are selected
 * under the record's field names, so no row mapper exists).
 */
import type { Db } from '../db/db.js';
import { ownerFilters, Params, type ScopeMatch } from '../db/sql.js';
import type { Decision, DecisionFeedback, DecisionStatus } from './decisions-schema.js';

const COLUMNS = `id, tenant_id as tenant, user_id as "user", agent_id as agent, session_id as session, subject,
  context, alternatives, chosen, reasoning, status, outcome, lessons, feedback, episode_id as "episodeId",
  tags, metadata, created_at as "createdAt", resolved_at as "resolvedAt"`;

/**
 * The owner a decision belongs to: reads and `resolve` match user and agent exactly.
 *
 * @example
 * const owner: DecisionOwner = resolveScope({ user: 'alice' });
 */
export interface DecisionOwner {
  tenant: string;
  user: string;
  agent: string;
}

/**
 * Inserts a pending decision; null when `episodeId` names no episode of the tenant.
 *
 * Why `insert ... select ... where`: the linked episode must exist in the same tenant,
 * checked in the same statement that inserts (no row back = unknown episode).
 *
 * @example
 * const d = await insertDecision(db, { owner, session: '', subject: '', context: 'c', alternatives: [],
 *   chosen: 'x', reasoning: '', tags: [], metadata: {}, episodeId: null, now: new Date() });
 */
export async function insertDecision(
  db: Db,
  d: {
    owner: DecisionOwner;
    session: string;
    subject: string;
    context: string;
    alternatives: unknown[];
    chosen: string;
    reasoning: string;
    tags: string[];
    metadata: Record<string, unknown>;
    episodeId: string | null;
    now: Date;
  },
): Promise<Decision | null> {
  const { rows } = await db.query<Decision>(
    `insert into decisions (tenant_id, user_id, agent_id, session_id, subject, context,
    alternatives, chosen, reasoning, episode_id, tags, metadata, created_at)
  select $1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $12::uuid, $10::text[], $11::jsonb, $13
  where $12::uuid is null or exists (select 1 from episodes where tenant_id = $1 and id = $12::uuid)
  returning ${COLUMNS}`,
    [
      d.owner.tenant,
      d.owner.user,
      d.owner.agent,
      d.session,
      d.subject,
      d.context,
      JSON.stringify(d.alternatives),
      d.chosen,
      d.reasoning,
      d.tags,
      JSON.stringify(d.metadata),
      d.episodeId,
      d.now,
    ],
  );
  return rows[0] ?? null;
}

/**
 * Resolves a pending decision of the owner; null when there is none pending with that id
 * (unknown, or already resolved: the `status = 'pending'` guard makes a race resolve once).
 *
 * @example
 * const d = await resolveDecision(db, { owner, id, status: 'success', outcome: null, lessons: null, feedback: null, now });
 */
export async function resolveDecision(
  db: Db,
  r: {
    owner: DecisionOwner;
    id: string;
    status: DecisionStatus;
    /** Any JSON, or undefined for none (SQL null). */
    outcome: unknown;
    lessons: string | null;
    feedback: DecisionFeedback | null;
    now: Date;
  },
): Promise<Decision | null> {
  const { rows } = await db.query<Decision>(
    `update decisions set status = $5, outcome = $6::jsonb, lessons = $7, feedback = $8, resolved_at = $9
  where tenant_id = $1 and user_id = $2 and agent_id = $3 and id = $4 and status = 'pending'
  returning ${COLUMNS}`,
    [
      r.owner.tenant,
      r.owner.user,
      r.owner.agent,
      r.id,
      r.status,
      r.outcome === undefined ? null : JSON.stringify(r.outcome),
      r.lessons,
      r.feedback,
      r.now,
    ],
  );
  return rows[0] ?? null;
}

/**
 * One decision of the owner, or null.
 *
 * @example
 * const d = await decisionById(db, { owner: { tenant: 'acme', user: '', agent: '' }, id });
 */
export async function decisionById(
  db: Db,
  { owner, id }: { owner: DecisionOwner; id: string },
): Promise<Decision | null> {
  const { rows } = await db.query<Decision>(
    `select ${COLUMNS} from decisions where tenant_id = $1 and user_id = $2 and agent_id = $3 and id = $4`,
    [owner.tenant, owner.user, owner.agent, id],
  );
  return rows[0] ?? null;
}

/**
 * The filters of {@link listDecisions}, already checked.
 *
 * @example
 * const f: DecisionFilter = { scope: resolveScope({ user: 'alice' }), lessons: true, limit: 20 };
 */
export interface DecisionFilter {
  scope: DecisionOwner & { session: string };
  /** exact (default): this user and agent, any session; given: the parts set, session too. */
  match?: ScopeMatch;
  status?: DecisionStatus;
  subject?: string;
  /** A web-style full-text query (`"exact phrase" -word or`). */
  text?: string;
  /** Only resolved decisions that carry lessons, most recently resolved first. */
  lessons?: boolean;
  limit: number;
}

/**
 * Decisions of the scope: newest first (best text match first when `text` is given), or
 * with `lessons` the resolved ones that carry lessons, most recently resolved first.
 *
 * @example
 * const ds = await listDecisions(db, { scope, status: 'failure', limit: 100 });
 */
export async function listDecisions(db: Db, f: DecisionFilter): Promise<Decision[]> {
  const p = new Params();
  // Exact: the decisions of this user and agent, any session; given: also narrowed by a session.
  const match = f.match ?? 'exact';
  const parts: ('user' | 'agent' | 'session')[] =
    match === 'exact' ? ['user', 'agent'] : ['user', 'agent', 'session'];
  const where = [`tenant_id = ${p.add(f.scope.tenant)}`, ...ownerFilters(p, f.scope, parts, match)];
  if (f.lessons) where.push("status <> 'pending' and lessons is not null");
  else if (f.status !== undefined) where.push(`status = ${p.add(f.status)}`);
  if (f.subject !== undefined) where.push(`subject = ${p.add(f.subject)}`);
  let rank: string | null = null;
  if (f.text !== undefined) {
    const tsq = `websearch_to_tsquery('english', ${p.add(f.text)})`;
    where.push(`tsv @@ ${tsq}`);
    rank = `ts_rank(tsv, ${tsq})`;
  }
  const order = f.lessons ? 'resolved_at desc, id' : `${rank ? `${rank} desc, ` : ''}created_at desc, id`;
  const { rows } = await db.query<Decision>(
    `select ${COLUMNS} from decisions where ${where.join(' and ')} order by ${order} limit ${p.add(f.limit)}`,
    p.values,
  );
  return rows;
}
