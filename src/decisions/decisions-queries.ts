import type { Decision } from './decisions-schema.js';

const COLUMNS = `id, tenant_id, user_id, agent_id, session_id, subject, context, alternatives, chosen, reasoning,
  status, outcome, lessons, feedback, episode_id, tags, metadata, created_at, resolved_at`;

/**
 * Why `insert ... select ... where`: the linked episode ($12) must exist in the same tenant,
 * checked in the same statement that inserts (no row back = unknown episode).
 */
export const INSERT = `insert into decisions (tenant_id, user_id, agent_id, session_id, subject, context,
    alternatives, chosen, reasoning, episode_id, tags, metadata, created_at)
  select $1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $12::uuid, $10::text[], $11::jsonb, $13
  where $12::uuid is null or exists (select 1 from episodes where tenant_id = $1 and id = $12::uuid)
  returning ${COLUMNS}`;

/** Resolves a pending decision of the scope ($1-$4: tenant, user, agent, id). */
export const RESOLVE = `update decisions set status = $5, outcome = $6::jsonb, lessons = $7, feedback = $8,
    resolved_at = $9
  where tenant_id = $1 and user_id = $2 and agent_id = $3 and id = $4 and status = 'pending'
  returning ${COLUMNS}`;

/** One decision of the scope ($1-$4: tenant, user, agent, id). */
export const GET = `select ${COLUMNS} from decisions
  where tenant_id = $1 and user_id = $2 and agent_id = $3 and id = $4`;

/** Base of `list` and `lessons`; the service appends optional filters with `Params`. */
export const LIST = `select ${COLUMNS} from decisions`;

/** Maps a `decisions` row to a {@link Decision}. */
export function toDecision(r: Record<string, unknown>): Decision {
  return {
    id: r.id as string,
    tenant: r.tenant_id as string,
    user: r.user_id as string,
    agent: r.agent_id as string,
    session: r.session_id as string,
    subject: r.subject as string,
    context: r.context as string,
    alternatives: (r.alternatives as unknown[]) ?? [],
    chosen: r.chosen as string,
    reasoning: r.reasoning as string,
    status: r.status as Decision['status'],
    outcome: r.outcome ?? null,
    lessons: (r.lessons as string | null) ?? null,
    feedback: (r.feedback as Decision['feedback']) ?? null,
    episodeId: (r.episode_id as string | null) ?? null,
    tags: (r.tags as string[]) ?? [],
    metadata: (r.metadata as Record<string, unknown>) ?? {},
    createdAt: r.created_at as Date,
    resolvedAt: (r.resolved_at as Date | null) ?? null,
  };
}
