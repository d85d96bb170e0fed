/**
 * Recall's candidate query: one statement that gathers, for every kind at once, the
 * candidates of each signal (text: recall-text-sql.ts; meaning: recall-vector-sql.ts;
 * neighbouring turns: recall-neighbor-sql.ts) over the visible rows (recall-where.ts),
 * and returns each candidate with its raw signals for the fusion step (recall-fusion.ts).
 */
import type { Db } from '../db/db.js';
import { Params } from '../db/sql.js';
import type { ResolvedScope } from '../scope.js';
import { type CandidateRow, kindSpec, type RecallKind, type ResolvedFilters } from './recall-kinds.js';
import { neighborCandidates } from './recall-neighbor-sql.js';
import {
  candidateTerms,
  queryTerms,
  storedStatistics,
  type TextPlaceholders,
  textCandidates,
  textReference,
  textScoresOfOthers,
  textStatistics,
} from './recall-text-sql.js';
import { queryVector, vectorCandidates } from './recall-vector-sql.js';
import { kindWhere } from './recall-where.js';

export { visibleRows } from './recall-where.js';
export type { CandidateRow, ResolvedFilters };

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
  /**
   * The text matches found already (findTextMatches, run while the query embedded):
   * the statement then takes them as given instead of searching the text again.
   */
  textMatches?: TextMatch[];
}

/** One text match of the text statement: the kind, the row id and its BM25. */
export interface TextMatch {
  kind: RecallKind;
  id: string;
  bm25: number;
}

/** What the text statement found: the matches, and which kinds have rows in the scope at all. */
export interface TextSearch {
  matches: TextMatch[];
  /** Kinds with at least one row in the scope (by the statistics): the others need no search. */
  stored: RecallKind[];
}

/** The query-wide placeholders, the query terms and the stored statistics, shared by both statements. */
function common(q: CandidateQuery, p: Params) {
  p.add(q.scope.tenant); // $1
  const query = p.add(q.query); // $2
  const kinds = p.add(q.kinds);
  const user = q.scope.user ? p.add(q.scope.user) : null;
  return { ctes: [queryTerms(query), storedStatistics(kinds, user)] };
}

/** The text search's knobs as placeholders (only where the text is searched: unused ones have no type). */
function textKnobs(q: CandidateQuery, p: Params) {
  return { share: p.add(q.commonTermShare), textCap: p.add(q.textCandidates), budget: p.add(q.textBudget) };
}

/**
 * Builds the text statement: each kind's best text matches with their BM25, nothing
 * that needs the query vector, so it runs while the query is embedded. Its rows go
 * into `textMatches` of the candidate statement.
 *
 * @example
 * const { sql, params } = textMatchSql({ scope, query: 'vercel', vector: null, kinds: ['episode'], filters: {},
 *   now: new Date(), vectorCandidates: 100, commonTermShare: 0.3, textCandidates: 300, textBudget: 1500 });
 */
export function textMatchSql(q: CandidateQuery): { sql: string; params: unknown[] } {
  const p = new Params();
  const { ctes } = common(q, p);
  const text = textKnobs(q, p);
  const outs: string[] = [];
  for (const k of q.kinds) {
    const s = kindSpec(k);
    const w = kindWhere(k, p, q.scope, q.filters, q.now);
    ctes.push(...textStatistics(k), ...textCandidates(k, `${s.table} t`, w, s.rowId, text));
    // One row per match, and one (id null) with the kind's row count in the scope.
    outs.push(`select '${k}' as kind, id, bm25 from ${k}_bm1 union all select '${k}', null, n from ${k}_n`);
  }
  return { sql: `with ${ctes.join(',\n')}\n${outs.join('\nunion all\n')}`, params: p.values };
}

/**
 * Runs the text statement: every kind's best text matches with their BM25, and the
 * kinds that have rows in the scope.
 *
 * @example
 * const { matches, stored } = await findTextMatches(db, recallCandidateQuery({ scope, query, vector: null, kinds, filters, now }));
 */
export async function findTextMatches(db: Db, q: CandidateQuery): Promise<TextSearch> {
  const { sql, params } = textMatchSql(q);
  const { rows } = await db.query<{ kind: RecallKind; id: string | null; bm25: number }>(sql, params);
  const matches: TextMatch[] = [];
  const stored: RecallKind[] = [];
  for (const r of rows)
    if (r.id !== null) matches.push({ kind: r.kind, id: r.id, bm25: r.bm25 });
    else if (r.bm25 > 0) stored.push(r.kind);
  return { matches, stored };
}

/**
 * Builds the one statement that gathers every candidate and its raw signals, for all
 * kinds at once: BM25 over the tsvector (document frequencies and scope sizes from the
 * statistics kept on write, field weight A counted twice), the nearest neighbours by cosine from the HNSW index,
 * and for episodes the ids of the two turns before and after in the same session.
 * Table and column names come from the registry (recall-kinds.ts), values from `q`.
 *
 * @example
 * const { sql, params } = candidateSql({ scope, query: 'vercel', vector: null, kinds: ['episode'], filters: {},
 *   now: new Date(), vectorCandidates: 100, commonTermShare: 0.3, textCandidates: 300, textBudget: 1500 });
 */
export function candidateSql(q: CandidateQuery): { sql: string; params: unknown[] } {
  const p = new Params();
  const { ctes } = common(q, p);
  const vec = p.add(q.vector);
  const vk = p.add(q.vectorCandidates);
  ctes.push(queryVector(vec));
  // The text matches either come in from the text statement or are searched here.
  const textSource: { given: GivenMatches } | { knobs: TextPlaceholders } = q.textMatches
    ? {
        given: {
          kinds: p.add(q.textMatches.map((m) => m.kind)),
          ids: p.add(q.textMatches.map((m) => m.id)),
          bm25: p.add(q.textMatches.map((m) => m.bm25)),
        },
      }
    : { knobs: textKnobs(q, p) };
  const outs: string[] = [];
  for (const k of q.kinds) {
    const s = kindSpec(k);
    const w = kindWhere(k, p, q.scope, q.filters, q.now);
    const from = `${s.table} t`;
    ctes.push(
      ...textStatistics(k),
      ...('given' in textSource
        ? [givenTextMatches(k, textSource.given)]
        : textCandidates(k, from, w, s.rowId, textSource.knobs)),
      vectorCandidates(k, from, w, s.rowId, vec, vk),
      ...neighborCandidates(k, s.neighbors),
      ...textScoresOfOthers(
        k,
        from,
        w,
        s.rowId,
        s.idIn,
        `select id from ${k}_vec union select id from ${k}_nb`,
      ),
      `${k}_ids as (select id from ${k}_bm union select id from ${k}_vec union select id from ${k}_nb)`,
      textReference(k),
    );
    // Each candidate once, with its raw signals.
    outs.push(`select '${k}' as kind, ${s.id} as id, ${s.select},
        coalesce(b.bm25, 0)::float8 as bm25, (select ideal from ${k}_ideal) as bm25_ideal,
        (1 - (t.embedding <=> (select v from qv)))::float8 as cos,
        nr.near, tm.terms, tm.terms_idf
      from ${k}_ids i join ${from} on ${s.joinOn} and t.tenant_id = $1
      left join ${k}_bm b on b.id = i.id
      left join lateral ${candidateTerms(k, 'b.bm25 > 0')} tm on true
      left join ${k}_near nr on nr.id = i.id
      where ${w}`);
  }
  return { sql: `with ${ctes.join(',\n')}\n${outs.join('\nunion all\n')}`, params: p.values };
}

/** The placeholders of the text statement's matches, as three parallel arrays. */
type GivenMatches = { kinds: string; ids: string; bm25: string };

/** `${k}_bm1(id, bm25)` from the text statement's matches. */
function givenTextMatches(k: string, a: GivenMatches): string {
  return `${k}_bm1 as (select m.id, m.bm25 from unnest(${a.kinds}::text[], ${a.ids}::text[], ${a.bm25}::float8[])
        m(kind, id, bm25) where m.kind = '${k}')`;
}

/**
 * Runs the candidate query: every candidate of every kind with its raw signals.
 *
 * @example
 * const rows = await findCandidates(db, { scope, query: 'vercel', vector, kinds: ['episode', 'fact'], ... });
 */
export async function findCandidates(db: Db, q: CandidateQuery): Promise<CandidateRow[]> {
  const { sql, params } = candidateSql(q);
  const { rows } = await db.query<CandidateRow>(sql, params);
  return rows;
}
