import { Params } from '../db/sql.js';
import type { ResolvedScope } from '../scope.js';
import type { RecallKind } from './recall-schema.js';

/** Filters after validation. */
export interface ResolvedFilters {
  categories?: string[];
  tags?: string[];
  since?: Date;
  until?: Date;
  minImportance?: number;
  session?: string;
  agent?: string;
  roles?: string[];
  includeArchived?: boolean;
}

/** One candidate row, with the raw signals the fusion step ranks by. */
export interface CandidateRow {
  kind: RecallKind;
  id: string;
  content: string;
  subject: string;
  session: string;
  user_id: string;
  agent_id: string;
  occurred_at: Date;
  importance: number;
  confidence: number;
  category: string;
  tags: string[];
  /** JSON text: parsed only for the rows recall returns. */
  metadata: string;
  bm25: number;
  /**
   * The query's own reference BM25 in this scope: what a document matching once, at
   * average length, every query term the scope contains would score (the sum of those
   * terms' IDF). Text scores are calibrated against it, not against the other candidates.
   */
  bm25_ideal: number;
  cos: number | null;
  /** Which of the best matches this row neighbours, as `matchId/distance` (episodes only). */
  near: string[] | null;
  stat_n: number;
  stat_avgdl: number;
  /** The query terms' document frequencies in the scope, as JSON text. */
  stat_df: string | null;
}

/**
 * How each kind maps onto the common candidate shape. Every string here is fixed SQL;
 * nothing in it comes from input (values go through `Params`).
 */
interface KindSpec {
  table: string;
  /** Expression of the public id, as text. */
  id: string;
  /** Columns joining a candidate id back to its row. */
  select: string;
  /** Extra conditions that always hold for this kind (current facts, live brain keys). */
  always: (p: Params, now: Date, f: ResolvedFilters) => string[];
  /** Time column used by since/until and recency. */
  time: string;
  /** Importance on the 1-10 scale (facts and decisions have none: 5). */
  importance: string;
  neighbors: boolean;
}

const SPECS: Record<RecallKind, KindSpec> = {
  episode: {
    table: 'episodes',
    id: 't.id::text',
    select: `t.content, t.subject, t.session_id as session, t.user_id, t.agent_id, t.occurred_at,
      t.importance::int as importance, 1::float8 as confidence, t.role as category, t.tags, t.metadata::text as metadata`,
    always: (p, _now, f) => {
      const out = f.includeArchived ? [] : ['t.archived_at is null'];
      if (f.roles?.length) out.push(`t.role = any(${p.add(f.roles)}::text[])`);
      if (f.session !== undefined) out.push(`t.session_id = ${p.add(f.session)}`);
      if (f.categories?.length) out.push(`t.event_type = any(${p.add(f.categories)}::text[])`);
      return out;
    },
    time: 't.occurred_at',
    importance: 't.importance',
    neighbors: true,
  },
  fact: {
    table: 'facts',
    id: 't.id::text',
    select: `t.content, t.subject, t.session_id as session, t.user_id, t.agent_id, t.valid_from as occurred_at,
      5 as importance, t.confidence::float8 as confidence, t.category, t.tags, t.metadata::text as metadata`,
    always: (p, _now, f) => {
      const out = ['t.valid_to is null'];
      if (!f.includeArchived) out.push('t.archived_at is null');
      if (f.session !== undefined) out.push(`t.session_id = ${p.add(f.session)}`);
      if (f.categories?.length) out.push(`t.category = any(${p.add(f.categories)}::text[])`);
      return out;
    },
    time: 't.valid_from',
    importance: '5',
    neighbors: false,
  },
  decision: {
    table: 'decisions',
    id: 't.id::text',
    select: `concat_ws(E'\\n', t.context, 'Chosen: ' || t.chosen, nullif(t.reasoning, ''),
        case when t.lessons is not null then 'Lessons: ' || t.lessons end) as content,
      t.subject, t.session_id as session, t.user_id, t.agent_id, t.created_at as occurred_at,
      5 as importance, 1::float8 as confidence, t.status as category, t.tags, t.metadata::text as metadata`,
    always: (p, _now, f) => {
      const out: string[] = [];
      if (f.session !== undefined) out.push(`t.session_id = ${p.add(f.session)}`);
      if (f.categories?.length) out.push(`t.status = any(${p.add(f.categories)}::text[])`);
      return out;
    },
    time: 't.created_at',
    importance: '5',
    neighbors: false,
  },
  brain: {
    table: 'brain',
    id: 't.key',
    select: `t.key || ': ' || (case jsonb_typeof(t.value) when 'string' then t.value #>> '{}' else t.value::text end)
        || case when t.description <> '' then ' (' || t.description || ')' else '' end as content,
      t.key as subject, '' as session, t.user_id, t.agent_id, t.updated_at as occurred_at,
      t.priority::int as importance, 1::float8 as confidence, t.category, '{}'::text[] as tags, '{}' as metadata`,
    always: (p, now, f) => {
      const out = [`(t.expires_at is null or t.expires_at > ${p.add(now)})`];
      if (f.categories?.length) out.push(`t.category = any(${p.add(f.categories)}::text[])`);
      return out;
    },
    time: 't.updated_at',
    importance: 't.priority',
    neighbors: false,
  },
};

/** Brain rows are keyed by (user, agent, key): the id carries all three. */
const BRAIN_ID = `t.user_id || chr(31) || t.agent_id || chr(31) || t.key`;

function where(
  kind: RecallKind,
  spec: KindSpec,
  p: Params,
  scope: ResolvedScope,
  f: ResolvedFilters,
  now: Date,
) {
  const w = [`t.tenant_id = $1`];
  if (scope.user) w.push(`t.user_id = ${p.add(scope.user)}`);
  if (f.agent !== undefined) w.push(`t.agent_id = ${p.add(f.agent)}`);
  if (f.since) w.push(`${spec.time} >= ${p.add(f.since)}`);
  if (f.until) w.push(`${spec.time} < ${p.add(f.until)}`);
  if (f.minImportance) w.push(`${spec.importance} >= ${p.add(f.minImportance)}`);
  // Brain keys carry no tags and only episodes have roles: such filters exclude them.
  if (f.tags?.length) w.push(kind === 'brain' ? 'false' : `t.tags @> ${p.add(f.tags)}::text[]`);
  if (f.roles?.length && kind !== 'episode') w.push('false');
  w.push(...spec.always(p, now, f));
  return w.join(' and ');
}

/**
 * The rows of one kind a recall may return, as a table (aliased `t`) and a condition
 * on it; values go into `p`.
 *
 * @example
 * const { table, where } = visibleRows('episode', p, scope, {}, new Date()); // 'episodes', 't.tenant_id = $1 and ...'
 */
export function visibleRows(
  kind: RecallKind,
  p: Params,
  scope: ResolvedScope,
  f: ResolvedFilters,
  now: Date,
): { table: string; where: string } {
  return { table: SPECS[kind].table, where: where(kind, SPECS[kind], p, scope, f, now) };
}

/** Parameters and knobs of the candidate query. */
export interface CandidateQuery {
  scope: ResolvedScope;
  query: string;
  /** Query vector as a pgvector literal, or null for text only. */
  vector: string | null;
  kinds: RecallKind[];
  filters: ResolvedFilters;
  now: Date;
  /** How many nearest neighbours by vector to take per kind. */
  vectorCandidates: number;
  /** Terms matching more than this share of the scope do not generate candidates (they still score). */
  commonTermShare: number;
  /** Most text matches scored by BM25 (the best by ts_rank of the rarer terms). */
  textCandidates: number;
  /** About how many rows the candidate terms may match before rarer ones suffice. */
  textBudget: number;
  /** Scope statistics per kind (rows, mean distinct terms) when known from a recent query. */
  stats?: Partial<Record<RecallKind, { n: number; avgdl: number }>>;
  /** Document frequencies per kind and lexeme, when known from a recent query. */
  dfs?: Partial<Record<RecallKind, Record<string, number>>>;
}

/**
 * Builds the one statement that gathers every candidate and its raw signals, for all
 * kinds at once: BM25 over the tsvector (document frequencies counted in the scope,
 * field weight A counted twice), the nearest neighbours by cosine from the HNSW index,
 * and for episodes the ids of the two turns before and after in the same session.
 *
 * Why BM25 by hand: ts_rank has no inverse document frequency, so a speaker's name
 * that opens every turn would outweigh the one rare word that matters.
 */
export function candidateSql(q: CandidateQuery): { sql: string; params: unknown[] } {
  const p = new Params();
  p.add(q.scope.tenant); // $1
  const query = p.add(q.query); // $2
  const vec = p.add(q.vector); // $3
  const vk = p.add(q.vectorCandidates); // $4
  const share = p.add(q.commonTermShare); // $5
  const textCap = p.add(q.textCandidates); // $6
  const budget = p.add(q.textBudget); // $7
  const ctes: string[] = [
    `q as (select distinct u.lexeme as lex, quote_literal(u.lexeme)::tsquery as tq
      from unnest(to_tsvector('english', ${query}::text)) u)`,
    // The query vector, parsed once (a cast in the select list would parse it per row).
    `qv as (select ${vec}::text::vector as v)`,
  ];
  const outs: string[] = [];
  for (const kind of q.kinds) {
    const s = SPECS[kind];
    const k = kind;
    const w = where(kind, s, p, q.scope, q.filters, q.now);
    const from = `${s.table} t`;
    const idExpr = kind === 'brain' ? BRAIN_ID : s.id;
    ctes.push(
      // Counting the scope reads every row: done once a minute per scope (the caller caches it).
      q.stats?.[kind]
        ? `${k}_n as (select ${p.add(q.stats[kind]?.n)}::float8 as n, ${p.add(q.stats[kind]?.avgdl)}::float8 as avgdl)`
        : `${k}_n as (select count(*)::float8 as n, coalesce(avg(length(t.tsv)), 1)::float8 as avgdl from ${from} where ${w})`,
      // Counting a term's rows in the scope is the costly part of BM25 on a big scope:
      // frequencies seen in the last minute come in as a parameter, the rest are counted.
      `${k}_df as (select q.lex, coalesce((${p.add(JSON.stringify(q.dfs?.[kind] ?? {}))}::jsonb ->> q.lex)::float8,
        (select count(*) from ${from} where ${w} and t.tsv @@ q.tq)::float8) as df from q)`,
      // Candidate generation skips terms most of the scope contains (they would pull in
      // half the store); those terms still count in the score of the candidates.
      // Candidates come from the rarer terms, rarest first, until they would match about
      // `textBudget` rows: a term most of the scope contains would pull in half the store.
      // Every query term still counts in the score of the candidates.
      `${k}_tq as (select coalesce(
        (select string_agg(quote_literal(x.lex), ' | ') from (
            select d.lex, d.df, sum(d.df) over (order by d.df, d.lex) - d.df as before
            from ${k}_df d, ${k}_n n where d.df > 0 and d.df <= greatest(n.n * ${share}, 1)) x
          where x.before < ${budget}),
        (select string_agg(quote_literal(d.lex), ' | ') from ${k}_df d where d.df > 0)) as s)`,
      // ts_rank (no document frequencies, but cheap, in C) picks which matches get a full BM25 score.
      `${k}_text as (select ${idExpr} as id, t.tsv from ${from}, ${k}_tq where ${w}
        and ${k}_tq.s is not null and t.tsv @@ to_tsquery('simple', ${k}_tq.s)
        order by ts_rank(t.tsv, to_tsquery('simple', ${k}_tq.s)) desc limit ${textCap})`,
      `${k}_bm1 as (${bm25(k, `${k}_text`)})`,
      `${k}_vec as (select ${idExpr} as id, t.embedding <=> ${vec}::text::vector as dist from ${from}
        where ${w} and ${vec}::text is not null and t.embedding is not null
        order by t.embedding <=> ${vec}::text::vector limit ${vk})`,
      // The turns around the best text matches join the candidates even when they only
      // contain common terms: the answer often sits next to the turn that names the topic.
      // For the best matches by words and by meaning, the two turns before and after in
      // their session: (turn, the match it neighbours, distance in turns).
      s.neighbors
        ? `${k}_nbrel as (select n.id::text as id, src.id as src, n.dist from (
              (select b.id from ${k}_bm1 b order by b.bm25 desc limit ${NEIGHBOR_SOURCES})
              union (select v.id from ${k}_vec v order by v.dist limit ${NEIGHBOR_SOURCES})) src
            join episodes c on c.id = src.id::uuid and c.tenant_id = $1 and c.session_id <> ''
            cross join lateral (${around('c', '2')}) n)`
        : `${k}_nbrel as (select null::text as id, null::text as src, 0::bigint as dist where false)`,
      `${k}_nb as (select distinct id from ${k}_nbrel)`,
      `${k}_near as (select id, array_agg(src || '/' || dist) as near from ${k}_nbrel group by id)`,
      `${k}_more as (select ${idExpr} as id, t.tsv from ${from} where ${w} and ${idIn(
        kind,
        `select id from ${k}_vec union select id from ${k}_nb except select id from ${k}_bm1`,
      )})`,
      `${k}_bm as (select * from ${k}_bm1 union all ${bm25(k, `${k}_more`)})`,
      `${k}_ids as (select id from ${k}_bm union select id from ${k}_vec union select id from ${k}_nb)`,
      // tf 1 at average length gives 2.2 / (1 + 1.2) = 1: the reference is the sum of the
      // IDFs of the query terms the scope contains (a term no row has cannot be matched).
      `${k}_ideal as (select coalesce(sum(ln(1 + (n.n - d.df + 0.5) / (d.df + 0.5))), 0)::float8 as ideal
        from ${k}_df d, ${k}_n n where d.df > 0)`,
    );
    outs.push(`select '${k}' as kind, ${kind === 'brain' ? 't.key' : s.id} as id, ${s.select},
        coalesce(b.bm25, 0)::float8 as bm25, (select ideal from ${k}_ideal) as bm25_ideal, (select n from ${k}_n) as stat_n, (select avgdl from ${k}_n) as stat_avgdl,
        (select jsonb_object_agg(lex, df) from ${k}_df)::text as stat_df,
        (1 - (t.embedding <=> (select v from qv)))::float8 as cos,
        nr.near
      from ${k}_ids i join ${from} on ${kind === 'brain' ? `${BRAIN_ID} = i.id` : 't.id = i.id::uuid'} and t.tenant_id = $1
      left join ${k}_bm b on b.id = i.id
      left join ${k}_near nr on nr.id = i.id
      where ${w}`);
  }
  return { sql: `with ${ctes.join(',\n')}\n${outs.join('\nunion all\n')}`, params: p.values };
}

/** Fetches episodes by id (the turns around a hit, for neighbour expansion). */
export const EPISODES_BY_ID = `select 'episode' as kind, t.id::text as id, ${SPECS.episode.select},
  0::float8 as bm25, 0::float8 as bm25_ideal, null::float8 as cos, null::text[] as near, 0::float8 as stat_n, 0::float8 as stat_avgdl,
  null::text as stat_df
  from episodes t where t.tenant_id = $1 and t.id = any($2::uuid[])`;

/** Matches whose neighbours join the candidates, per signal (words, meaning). */
const NEIGHBOR_SOURCES = 30;

/**
 * The `n` turns before and after episode `c` in its session, with their distance:
 * two index probes, whatever the session's length.
 */
function around(c: string, n: string): string {
  const same = `e.tenant_id = ${c}.tenant_id and e.user_id = ${c}.user_id and e.session_id = ${c}.session_id
    and e.archived_at is null`;
  return `select p.id, p.dist from unnest(array(select e.id from episodes e where ${same}
        and (e.occurred_at, e.seq) < (${c}.occurred_at, ${c}.seq) order by e.occurred_at desc, e.seq desc limit ${n}))
        with ordinality as p(id, dist)
      union all
      select p.id, p.dist from unnest(array(select e.id from episodes e where ${same}
        and (e.occurred_at, e.seq) > (${c}.occurred_at, ${c}.seq) order by e.occurred_at, e.seq limit ${n}))
        with ordinality as p(id, dist)`;
}

/** The turns around some episodes (neighbour expansion of recall's hits): $1 tenant, $2 ids, $3 how many. */
export const EPISODES_AROUND = `select n.id::text as id, c.id::text as hit, n.dist from episodes c
  cross join lateral (${around('c', '$3::int')}) n
  where c.tenant_id = $1 and c.id = any($2::uuid[]) and c.session_id <> ''`;

/** `row id in (subquery)`, written so the primary key index is used. */
function idIn(kind: RecallKind, subquery: string): string {
  return kind === 'brain'
    ? `${BRAIN_ID} in (${subquery})`
    : `t.id = any(array(select x::uuid from (${subquery}) s(x)))`;
}

/** BM25 of the rows of `docs` (a CTE with id and tsv) against the query terms, with the kind's statistics. */
function bm25(k: string, docs: string): string {
  return `select x.id, sum(ln(1 + (n.n - d.df + 0.5) / (d.df + 0.5))
      * x.tf * 2.2 / (x.tf + 1.2 * (0.25 + 0.75 * x.dl / n.avgdl)))::float8 as bm25
    from (select c.id, u.lexeme,
        coalesce((select sum(case when wt = 'A' then 2 else 1 end) from unnest(u.weights) wt), 1)::float8 as tf,
        length(c.tsv)::float8 as dl
      from ${docs} c, unnest(c.tsv) u where u.lexeme in (select lex from q)) x
    join ${k}_df d on d.lex = x.lexeme, ${k}_n n group by x.id`;
}
