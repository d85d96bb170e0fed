import type { Session } from './sessions-schema.js';

const COLUMNS = 'id, tenant_id, user_id, agent_id, started_at, ended_at, summary, metadata';

/** Why `do nothing`: the id is unique per tenant, and a taken id must be a conflict, not an error. */
export const INSERT = `insert into sessions (tenant_id, id, user_id, agent_id, started_at, metadata)
  values ($1, $2, $3, $4, $5, $6::jsonb)
  on conflict (tenant_id, id) do nothing
  returning ${COLUMNS}`;

/** Ends an active session of the scope ($1-$4: tenant, user, agent, id; $5: now; $6: summary). */
export const END = `update sessions set ended_at = $5, summary = coalesce($6::text, summary)
  where tenant_id = $1 and user_id = $2 and agent_id = $3 and id = $4 and ended_at is null
  returning ${COLUMNS}`;

/** One session of the scope ($1-$4: tenant, user, agent, id). */
export const GET = `select ${COLUMNS} from sessions
  where tenant_id = $1 and user_id = $2 and agent_id = $3 and id = $4`;

/** Base of `list`; the service appends optional filters with `Params`. */
export const LIST = `select ${COLUMNS} from sessions`;

/** Maps a `sessions` row to a {@link Session}. */
export function toSession(r: Record<string, unknown>): Session {
  return {
    id: r.id as string,
    tenant: r.tenant_id as string,
    user: r.user_id as string,
    agent: r.agent_id as string,
    startedAt: r.started_at as Date,
    endedAt: (r.ended_at as Date | null) ?? null,
    summary: (r.summary as string | null) ?? null,
    metadata: (r.metadata as Record<string, unknown>) ?? {},
  };
}
