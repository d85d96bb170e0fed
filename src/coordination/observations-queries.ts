import type { Observation } from './observations-schema.js';

/** NOTIFY channel of new observations; payload `{"tenant": ..., "seq": ...}` (never content). */
export const OBSERVATIONS_CHANNEL = 'mnemo_observations';

/**
 * Why a per-tenant advisory lock (class key + hashtext(tenant)): seq comes from an
 * identity, handed out at insert time, so two concurrent writers could commit in the
 * other order and a reader that saw seq 11 before 10 committed would skip 10. Holding
 * this transaction-level lock from before the insert until commit makes seq order equal
 * commit order for a tenant's observations, so "seq > cursor" never misses one.
 */
export const LOCK_TENANT = `select pg_advisory_xact_lock(7263013, hashtext($1::text))`;

/** Columns an observation is read from. */
export const OBS_COLUMNS = `id, seq, tenant_id, user_id, agent_id, session_id, event_type, subject, content,
  importance, tags, metadata, occurred_at`;

/**
 * Appends the episode and notifies in one statement (the notify is delivered at commit).
 * $1 tenant, $2 user, $3 agent, $4 session, $5 type, $6 subject, $7 content, $8 importance,
 * $9 tags, $10 payload, $11 now.
 */
export const INSERT_OBSERVATION = `
with ins as (
  insert into episodes (tenant_id, user_id, agent_id, session_id, role, event_type, subject, content,
                        importance, tags, metadata, occurred_at, created_at)
  values ($1, $2, $3, $4, 'event', $5, $6, $7, $8::smallint, $9::text[], $10::jsonb, $11::timestamptz, $11::timestamptz)
  returning ${OBS_COLUMNS}
)
select ins.*, pg_notify('${OBSERVATIONS_CHANNEL}', json_build_object('tenant', tenant_id, 'seq', seq)::text) as notified
from ins`;

/** The newest observation seq of a tenant (taken under LOCK_TENANT: nothing is in flight). */
export const MAX_SEQ = `select coalesce(max(seq), 0) as seq from episodes where tenant_id = $1 and role = 'event'`;

/** A row as the drivers return it. */
export interface ObservationRow {
  id: string;
  seq: number;
  tenant_id: string;
  user_id: string;
  agent_id: string;
  session_id: string;
  event_type: string;
  subject: string;
  content: string;
  importance: number;
  tags: string[];
  metadata: Record<string, unknown>;
  occurred_at: Date;
}

/** Maps a row to the public {@link Observation}. */
export function toObservation(r: ObservationRow): Observation {
  return {
    id: r.id,
    seq: Number(r.seq),
    tenant: r.tenant_id,
    user: r.user_id,
    agent: r.agent_id,
    session: r.session_id,
    subject: r.subject,
    type: r.event_type,
    payload: r.metadata ?? {},
    content: r.content,
    importance: r.importance,
    tags: r.tags ?? [],
    occurredAt: r.occurred_at,
  };
}

/** The line stored as content when none is given: `deploy_failed on payments: region=eu, code=500`. */
export function defaultContent(
  type: string,
  subject: string,
  payload: Record<string, unknown> | undefined,
): string {
  const parts = Object.entries(payload ?? {}).map(
    ([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`,
  );
  const line = `${type} on ${subject}${parts.length ? `: ${parts.join(', ')}` : ''}`;
  return line.length > 2000 ? `${line.slice(0, 1997)}...` : line;
}
