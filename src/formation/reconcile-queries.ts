/**
 * SQL of reconciliation: the current facts of an owner similar to a candidate.
 */
import { FACT_COLUMNS } from '../facts/facts-queries.js';

const FACT_COLUMNS_F = FACT_COLUMNS.split(',')
  .map((c) => `f.${c.trim()}`)
  .join(', ');

/**
 * Most stored facts shown to the model for one candidate.
 *
 * @example
 * SIMILAR_LIMIT // => 8
 */
export const SIMILAR_LIMIT = 8;

const OWNER = `f.tenant_id = $1 and f.user_id = $2 and f.agent_id = $3 and f.valid_to is null`;

/**
 * Current facts of one owner (tenant, user, agent: exact) similar to a candidate, from
 * three sources unioned in one round trip: the same non-empty subject and category;
 * full text over `tsv` with the candidate's words OR-ed (plainto_tsquery ANDs them,
 * which finds nothing once a fact is rephrased; the cast back to tsquery keeps the
 * lexemes as stemmed); and, when the supporting episodes are embedded, the facts whose
 * embeddings are nearest to theirs (the candidate itself has no vector yet).
 * Params: $1 tenant, $2 user, $3 agent, $4 subject, $5 category, $6 candidate text,
 * $7 supporting episode ids, $8 limit.
 *
 * @example
 * await db.query(SIMILAR_FACTS, [tenant, user, agent, 'user.city', 'fact', 'city lives in Paris', [e.id], SIMILAR_LIMIT]);
 */
export const SIMILAR_FACTS = `with q as (
  select replace(plainto_tsquery('english', $6)::text, '&', '|') as t
), src as (
  select embedding from episodes
  where tenant_id = $1 and id = any($7::uuid[]) and embedding is not null limit 1
), hits as (
  (select f.id, 0 as src, 0::float8 as rank from facts f
   where ${OWNER} and $4 <> '' and f.subject = $4 and f.category = $5
   order by f.valid_from desc limit $8)
  union all
  (select f.id, 1, ts_rank(f.tsv, q.t::tsquery)::float8 from facts f, q
   where ${OWNER} and q.t <> '' and f.tsv @@ q.t::tsquery
   order by 3 desc limit $8)
  union all
  (select f.id, 2, 1 - (f.embedding <=> src.embedding) from facts f, src
   where ${OWNER} and f.embedding is not null
   order by f.embedding <=> src.embedding limit 3)
), best as (
  select id, min(src) as src, max(rank) as rank from hits group by id
)
select ${FACT_COLUMNS_F}
from best b join facts f on f.id = b.id and f.tenant_id = $1
order by b.src, b.rank desc, f.valid_from desc, f.id
limit $8`;
