import type { Conflict, ConflictFact } from './conflicts-schema.js';

/** Content compared the way people read it: case, outer and repeated spaces ignored. */
const norm = (x: string) => `regexp_replace(lower(btrim(${x})), '[[:space:]]+', ' ', 'g')`;

/**
 * Why the lock: two agents asserting contradicting facts at the same moment would
 * each miss the other's uncommitted row. Serialising the check per user, subject and
 * category means the second one, once it gets the lock, sees the first one committed.
 * $1 tenant, $2 user, $3 subject, $4 category.
 */
export const LOCK_SUBJECT = `select pg_advisory_xact_lock(7263014,
  hashtext($1::text || chr(31) || $2::text || chr(31) || $3::text || chr(31) || $4::text))`;

/** Other current facts on the subject and category that say something else. $5 fact id, $6 content. */
export const CONTRADICTING = `
select id from facts
where tenant_id = $1 and user_id = $2 and subject = $3 and category = $4 and valid_to is null
  and id <> $5 and ${norm('content')} <> ${norm('$6::text')}`;

/**
 * Opens a conflict, or adds the facts to the one already open on the subject and
 * category (partial unique index conflicts_open_subject). $5 fact ids, $6 now.
 */
export const UPSERT_CONFLICT = `
insert into conflicts (tenant_id, user_id, subject, category, fact_ids, created_at)
values ($1, $2, $3, $4, $5::uuid[], $6::timestamptz)
on conflict (tenant_id, user_id, subject, category) where status = 'open'
do update set fact_ids = array(
  select distinct x from unnest(conflicts.fact_ids || excluded.fact_ids) as x)`;

/** Conflicts with their facts (provenance included), built in one query. */
export const CONFLICT_SELECT = `
select c.*, coalesce((
  select json_agg(json_build_object(
      'id', f.id, 'content', f.content, 'source', f.source, 'createdBy', f.created_by, 'agent', f.agent_id,
      'confidence', f.confidence, 'createdAt', f.created_at, 'validFrom', f.valid_from, 'validTo', f.valid_to,
      'supersededBy', f.superseded_by) order by f.created_at, f.id)
  from facts f where f.tenant_id = c.tenant_id and f.id = any(c.fact_ids)), '[]'::json) as facts
from conflicts c`;

/** Supersedes every other current fact of the conflict by the kept one. $1 tenant, $2 ids, $3 kept, $4 now. */
export const SUPERSEDE_OTHERS = `
update facts set valid_to = $4::timestamptz, superseded_by = $3
where tenant_id = $1 and id = any($2::uuid[]) and id <> $3 and valid_to is null`;

/** A row as the drivers return it. */
export interface ConflictRow {
  id: string;
  tenant_id: string;
  user_id: string;
  subject: string;
  category: string;
  fact_ids: string[];
  status: 'open' | 'resolved';
  resolution: string | null;
  resolved_by: string | null;
  created_at: Date;
  resolved_at: Date | null;
  facts: (Omit<ConflictFact, 'createdAt' | 'validFrom' | 'validTo'> & {
    createdAt: string;
    validFrom: string;
    validTo: string | null;
  })[];
}

/** Maps a row to the public {@link Conflict}. */
export function toConflict(r: ConflictRow): Conflict {
  return {
    id: r.id,
    tenant: r.tenant_id,
    user: r.user_id,
    subject: r.subject,
    category: r.category,
    facts: (typeof r.facts === 'string' ? JSON.parse(r.facts) : r.facts).map(
      (f: ConflictRow['facts'][number]) => ({
        ...f,
        createdAt: new Date(f.createdAt),
        validFrom: new Date(f.validFrom),
        validTo: f.validTo ? new Date(f.validTo) : null,
      }),
    ),
    status: r.status,
    resolution: r.resolution,
    resolvedBy: r.resolved_by,
    createdAt: r.created_at,
    resolvedAt: r.resolved_at,
  };
}
