import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { resolveScope } from '../scope.js';
import { parse } from '../validation.js';
import { calibrationOf } from './embedders/calibration.js';
import type { Embedder } from './embedders/embedder.js';
import { countPending, embedFresh } from './fresh-embeddings.js';
import { type QueryVectors, queryVectors } from './query-vectors.js';
import { DEFAULT_WEIGHTS, type FusionWeights, fuse, mmr, type Scored } from './recall-fusion.js';
import { RECALL_KINDS, type RecallKind } from './recall-kinds.js';
import { episodesAround, episodesById } from './recall-neighbor-sql.js';
import { type CandidateQuery, findCandidates, findTextMatches, type TextMatch } from './recall-queries.js';
import {
  type RecallInput,
  type RecallItem,
  type RecallResult,
  type RecallScores,
  recallSchema,
} from './recall-schema.js';
import { queryWindows } from './recall-time.js';

/** Nearest neighbours by vector taken per kind before fusion. */
const VECTOR_CANDIDATES = 100;
/** Terms found in more than this share of the scope do not generate candidates. */
const COMMON_TERM_SHARE = 0.3;
/** Text matches scored with BM25 per kind. */
const TEXT_CANDIDATES = 300;
/** Rows the candidate-generating terms may match (rarest terms first). */
const TEXT_BUDGET = 1500;

/**
 * The candidate query recall runs for these inputs, with recall's knobs filled in (the
 * plan test explains exactly this query).
 *
 * @internal
 * @example
 * const { sql, params } = candidateSql(recallCandidateQuery({ scope, query: 'vercel', vector: null,
 *   kinds: ['episode'], filters: {}, now: new Date() }));
 */
export function recallCandidateQuery(
  q: Omit<CandidateQuery, 'vectorCandidates' | 'commonTermShare' | 'textCandidates' | 'textBudget'>,
): CandidateQuery {
  return {
    ...q,
    vectorCandidates: VECTOR_CANDIDATES,
    commonTermShare: COMMON_TERM_SHARE,
    textCandidates: TEXT_CANDIDATES,
    textBudget: TEXT_BUDGET,
  };
}

/** Hybrid recall over episodes, facts, decisions and brain keys. */
export interface Recall {
  /**
   * Finds the memories most relevant to `query`, ranked by text (BM25), meaning
   * (embeddings), neighbouring turns, session, recency and importance.
   *
   * @example
   * const { items } = await mem.recall({ scope: { user: 'alice' }, query: 'deployment', k: 5, explain: true });
   * items[0].content // 'pushed the code to Vercel'
   */
  recall(input: RecallInput): Promise<RecallResult>;
}

/** What recall is built from. */
export interface RecallDeps {
  /**
   * Where recall's statements run. On a server, the store's pool, not a request's
   * tenant transaction: recall only reads (and embeds fresh rows, derived data), every
   * statement filters the tenant explicitly as on PGlite, and under row-level security
   * PostgreSQL cannot use the GIN index for `@@` nor HNSW well, which doubled recall's
   * database time (docs/recall.md, *Row-level security*).
   */
  db: Db;
  clock: Clock;
  embedder: Embedder | null;
  /** The store's query-embedding cache, shared by its requests; default one of recall's own. */
  vectors?: QueryVectors;
}

/**
 * Builds the recall API. `embedder` null means text only (rows are always found by
 * text, embedded or not).
 *
 * @example
 * const recall = createRecall({ db, clock, embedder: createBuiltinEmbedder() });
 */
export function createRecall(deps: RecallDeps): Recall {
  const { db, clock, embedder } = deps;
  const vectorCalibration = embedder ? calibrationOf(embedder) : { unrelated: 0, related: 1 };
  const queryVector = deps.vectors ?? queryVectors(embedder);

  return {
    async recall(raw) {
      const input = parse(recallSchema, raw, 'recall');
      const scope = resolveScope(input.scope);
      const now = clock.now();
      const weights: FusionWeights = { ...DEFAULT_WEIGHTS, ...stripUndefined(input.weights ?? {}) };
      const filters = input.filters ?? {};
      const kinds = input.kinds ?? [...RECALL_KINDS];
      const base = { scope, query: input.query, kinds, filters, now };
      let vector: string | null = null;
      let freshRows = { embedded: 0, pending: 0 };
      let textMatches: TextMatch[] | undefined;
      let searched: RecallKind[] = kinds;
      if (weights.vector > 0 && embedder) {
        // The text search needs no vector: it runs while the query embeds (the model has
        // its own thread). Then the rows written a moment ago are embedded (after the
        // query, so their time bound never includes loading the model), so that the
        // vector search after finds them by meaning.
        // The count of rows still to embed starts now too: only its answer waits for the query.
        const fresh = { db, embedder, scope, kinds, filters, now };
        const pending = countPending(fresh);
        pending.catch(() => {}); // awaited below; an early failure is not unhandled meanwhile
        const embedded = queryVector(input.query).then(async (v) => ({
          v,
          fresh: await embedFresh({ ...fresh, pending }),
        }));
        const [text, e] = await Promise.all([
          findTextMatches(db, recallCandidateQuery({ ...base, vector: null })),
          embedded,
        ]);
        textMatches = text.matches;
        // A kind with no row in the scope has nothing to find by meaning either.
        searched = text.stored;
        vector = e.v;
        freshRows = e.fresh;
      }
      const rows = searched.length
        ? await findCandidates(db, recallCandidateQuery({ ...base, kinds: searched, vector, textMatches }))
        : [];
      // Callers see the score rounded (toItem); filter and sort on that same number,
      // so `minScore: items[0].score` keeps items[0].
      const windows = weights.time > 0 ? queryWindows(input.query, now, rows) : [];
      let ranked = fuse(rows, weights, now, { vector: vectorCalibration, windows })
        .map((s) => ({ ...s, score: round(s.score) }))
        .filter((s) => s.score > 0 && s.score >= (input.minScore ?? 0))
        .sort((a, b) => b.score - a.score || a.row.id.localeCompare(b.row.id));
      ranked = input.diversity ? mmr(ranked, input.k, 1 - input.diversity) : ranked.slice(0, input.k);
      const items = ranked.map((s) => toItem(s, input.explain ?? false, vector !== null));
      if (input.neighbors)
        items.push(...(await expand(db, scope.tenant, ranked, input.neighbors, input.explain)));
      return {
        items,
        usedVector: vector !== null,
        pendingEmbedding: freshRows.pending,
        embeddedForRecall: freshRows.embedded,
      };
    },
  };
}

/** Adds up to `n` turns on each side of every episode hit, once each, after the hits. */
async function expand(
  db: Db,
  tenant: string,
  hits: Scored[],
  n: number,
  explain?: boolean,
): Promise<RecallItem[]> {
  const episodeHits = hits.filter((h) => h.row.kind === 'episode').map((h) => h.row.id);
  if (episodeHits.length === 0) return [];
  const around = await episodesAround(db, tenant, episodeHits, n);
  const have = new Set(episodeHits);
  const want = new Map<string, string>();
  for (const a of around) if (!have.has(a.id) && !want.has(a.id)) want.set(a.id, a.hit);
  if (want.size === 0) return [];
  const rows = await episodesById(db, tenant, [...want.keys()]);
  return rows
    .sort((a, b) => new Date(a.occurred_at).getTime() - new Date(b.occurred_at).getTime())
    .map((row) => ({
      ...toItem({ row, score: 0, scores: emptyScores() }, explain ?? false),
      neighborOf: want.get(row.id),
    }));
}

function emptyScores() {
  return {
    text: 0,
    vector: 0,
    cosine: null,
    neighbor: 0,
    session: 0,
    recency: 0,
    importance: 0,
    time: 0,
    confidence: 1,
  };
}

function toItem(s: Scored, explain: boolean, usedVector?: boolean): RecallItem {
  const r = s.row;
  return {
    kind: r.kind,
    id: r.id,
    content: r.content,
    subject: r.subject,
    score: round(s.score),
    occurredAt: new Date(r.occurred_at),
    session: r.session,
    user: r.user_id,
    agent: r.agent_id,
    category: r.category,
    importance: r.importance,
    confidence: r.confidence,
    tags: r.tags ?? [],
    metadata: r.metadata ? (JSON.parse(r.metadata) as Record<string, unknown>) : {},
    ...(explain
      ? {
          scores: {
            ...(Object.fromEntries(
              Object.entries(s.scores as Record<string, number | null>).map(([k, v]) => [
                k,
                v === null ? null : round(v),
              ]),
            ) as unknown as RecallScores),
            // Why the cosine is missing, when it is (hits only, not neighbour expansions).
            ...(usedVector === undefined
              ? {}
              : { vectorMissing: !usedVector ? 'text_only' : r.cos === null ? 'not_embedded' : null }),
          } as RecallScores,
        }
      : {}),
  };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
