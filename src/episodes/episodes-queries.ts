import type { Episode, EpisodeRole } from './episodes-schema.js';

/**
 * The columns every read returns. Never the `embedding` or `tsv` columns (large):
 * `embedded` only says whether the embedding exists yet.
 */
export const EPISODE_COLUMNS = `id, seq, tenant_id, user_id, agent_id, session_id, role, event_type, subject,
  content, importance, tags, metadata, occurred_at, created_at, archived_at,
  (embedding is not null) as embedded`;

/** A row of {@link EPISODE_COLUMNS}. */
export interface EpisodeRow {
  id: string;
  seq: number;
  tenant_id: string;
  user_id: string;
  agent_id: string;
  session_id: string;
  role: string;
  event_type: string;
  subject: string;
  content: string;
  importance: number;
  tags: string[];
  metadata: Record<string, unknown>;
  occurred_at: Date;
  created_at: Date;
  archived_at: Date | null;
  embedded: boolean;
}

/**
 * Maps a row to the public {@link Episode}.
 *
 * @example
 * const { rows } = await db.query<EpisodeRow>(`select ${EPISODE_COLUMNS} from episodes`); rows.map(toEpisode);
 */
export function toEpisode(r: EpisodeRow): Episode {
  return {
    id: r.id,
    seq: Number(r.seq),
    tenant: r.tenant_id,
    user: r.user_id,
    agent: r.agent_id,
    session: r.session_id,
    role: r.role as EpisodeRole,
    eventType: r.event_type,
    subject: r.subject,
    content: r.content,
    importance: Number(r.importance),
    tags: r.tags,
    metadata: r.metadata,
    occurredAt: new Date(r.occurred_at),
    createdAt: new Date(r.created_at),
    archivedAt: r.archived_at ? new Date(r.archived_at) : null,
    embedded: r.embedded,
  };
}

/**
 * The whole batch is one jsonb array parameter, expanded in SQL, so 10,000 episodes
 * cost one statement. Ids are made by the caller so the returned rows can be put back
 * in input order (RETURNING does not promise an order); `ord` orders the select so seq
 * follows the input order. ON CONFLICT DO NOTHING also skips duplicates of the same
 * idempotency key inside the batch: the first one wins, the rest are looked up after.
 * Params: $1 tenant, $2 jsonb array, $3 now (created_at and default occurred_at).
 */
export const INSERT_BATCH = `
insert into episodes (id, tenant_id, user_id, agent_id, session_id, role, event_type, subject, content,
  importance, tags, metadata, idempotency_key, occurred_at, created_at)
select (e->>'id')::uuid, $1, e->>'user', e->>'agent', e->>'session', e->>'role', e->>'eventType',
  e->>'subject', e->>'content', (e->>'importance')::smallint,
  array(select jsonb_array_elements_text(e->'tags')), e->'metadata', e->>'idempotencyKey',
  coalesce((e->>'occurredAt')::timestamptz, $3::timestamptz), $3::timestamptz
from jsonb_array_elements($2::jsonb) with ordinality as t(e, ord)
order by ord
on conflict (tenant_id, idempotency_key) where idempotency_key is not null do nothing
returning ${EPISODE_COLUMNS}`;

/** The stored episodes of idempotency keys that were already used. Params: $1 tenant, $2 text[]. */
export const SELECT_BY_KEYS = `select ${EPISODE_COLUMNS}, idempotency_key from episodes
where tenant_id = $1 and idempotency_key = any($2::text[])`;
