import type { Fact, FactKind } from './facts-schema.js';

/** The columns every read returns (never `embedding` or `tsv`, which are large). */
export const FACT_COLUMNS = `id, tenant_id, user_id, agent_id, session_id, kind, category, subject, content,
  confidence, source, source_episode_ids, tags, metadata, valid_from, valid_to, superseded_by,
  created_at, created_by`;

/** A row of {@link FACT_COLUMNS}. */
export interface FactRow {
  id: string;
  tenant_id: string;
  user_id: string;
  agent_id: string;
  session_id: string;
  kind: string;
  category: string;
  subject: string;
  content: string;
  confidence: number;
  source: string;
  source_episode_ids: string[];
  tags: string[];
  metadata: Record<string, unknown>;
  valid_from: Date;
  valid_to: Date | null;
  superseded_by: string | null;
  created_at: Date;
  created_by: string;
}

/**
 * Maps a row to the public {@link Fact}.
 *
 * @example
 * const { rows } = await db.query<FactRow>(`select ${FACT_COLUMNS} from facts`); rows.map(toFact);
 */
export function toFact(r: FactRow): Fact {
  return {
    id: r.id,
    tenant: r.tenant_id,
    user: r.user_id,
    agent: r.agent_id,
    session: r.session_id,
    kind: r.kind as FactKind,
    category: r.category,
    subject: r.subject,
    content: r.content,
    confidence: Number(r.confidence),
    source: r.source,
    sourceEpisodeIds: r.source_episode_ids,
    tags: r.tags,
    metadata: r.metadata,
    validFrom: new Date(r.valid_from),
    validTo: r.valid_to ? new Date(r.valid_to) : null,
    supersededBy: r.superseded_by,
    createdAt: new Date(r.created_at),
    createdBy: r.created_by,
    current: r.valid_to === null,
  };
}

/**
 * Params: $1 tenant, $2 user, $3 agent, $4 session, $5 kind, $6 category, $7 subject,
 * $8 content, $9 confidence, $10 source, $11 uuid[], $12 text[], $13 jsonb, $14 valid_from,
 * $15 created_at, $16 created_by.
 */
export const INSERT_FACT = `insert into facts (tenant_id, user_id, agent_id, session_id, kind, category,
  subject, content, confidence, source, source_episode_ids, tags, metadata, valid_from, created_at, created_by)
values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::uuid[], $12::text[], $13::jsonb, $14, $15, $16)
returning ${FACT_COLUMNS}`;

/** Which of the given episode ids exist in the tenant. Params: $1 tenant, $2 uuid[]. */
export const EXISTING_EPISODES = 'select id from episodes where tenant_id = $1 and id = any($2::uuid[])';

/**
 * Every version of a fact. The chain is linear (a fact is superseded at most once and
 * by a new fact), so walking `superseded_by` backwards and forwards from the given
 * version and ordering by the step count gives first-to-current order.
 * Params: $1 tenant, $2 id.
 */
export const CHAIN = `with recursive back(id, depth) as (
    select id, 0 from facts where tenant_id = $1 and id = $2
    union all
    select f.id, b.depth - 1 from facts f join back b on f.superseded_by = b.id where f.tenant_id = $1
  ), fwd(id, next, depth) as (
    select id, superseded_by, 0 from facts where tenant_id = $1 and id = $2
    union all
    select f.id, f.superseded_by, w.depth + 1 from facts f join fwd w on f.id = w.next where f.tenant_id = $1
  ), steps as (select id, depth from back union select id, depth from fwd)
select ${FACT_COLUMNS} from steps join facts using (id) order by depth`;
