import type { EmbedderCalibration } from './embedders/calibration.js';
import type { CandidateRow } from './recall-kinds.js';
import type { RecallScores } from './recall-schema.js';
import { inWindows, type TimeWindow } from './recall-time.js';

/** Weights of the ranking signals. Defaults are in {@link DEFAULT_WEIGHTS}. */
export interface FusionWeights {
  text: number;
  vector: number;
  neighbor: number;
  session: number;
  recency: number;
  importance: number;
  /** Relevance gained (a share, like recency) by a row from a time the query names. */
  time: number;
  halfLifeDays: number;
}

/**
 * Defaults, chosen on the LoCoMo development split as round values where the
 * measured recall is flat (see BENCHMARKS.md): text and vector fused by calibrated
 * score (not by rank: rank fusion throws away how much better the best match is),
 * then context from neighbouring turns and from the session as a whole.
 */
export const DEFAULT_WEIGHTS: FusionWeights = {
  text: 1,
  vector: 0.25,
  neighbor: 0.5,
  session: 0.3,
  recency: 0.05,
  importance: 0.05,
  time: 0.5,
  halfLifeDays: 30,
};

/** Decay of the neighbour boost per turn of distance (the next-but-one counts 0.6). */
const NEIGHBOR_DECAY = 0.6;
/** A session's strength is the mean text relevance of its best few turns. */
const SESSION_TOP = 3;
/**
 * How much a session's coverage of the query (the share of the query's IDF its turns
 * contain between them) counts beside its strength: 0.5 at the default session weight.
 */
const SESSION_COVERAGE = 0.5 / 0.3;

/**
 * Relevance a row must reach on its own evidence (words, meaning, a matching
 * neighbour) to be returned, on the calibrated scale (text 1 = matches every query
 * term once). With the default weights: 5% of the query's words, or a cosine a fifth
 * of the way from "unrelated" to "related". LoCoMo is flat from 0 to 0.2 (BENCHMARKS.md).
 */
export const RELEVANCE_FLOOR = 0.05;

/** A candidate with its fused score and the signals behind it. */
export interface Scored {
  row: CandidateRow;
  score: number;
  scores: RecallScores;
}

/** The fixed references fusion calibrates against. */
export interface FusionCalibration {
  /** The embedder's cosine references (unrelated → 0, related → 1). */
  vector: EmbedderCalibration;
  /** Relevance below which a row is not returned; default {@link RELEVANCE_FLOOR}. */
  floor?: number;
  /** The spans of time the query names (recall-time.ts), if any. */
  windows?: TimeWindow[];
}

/**
 * Text signal: BM25 relative to the query's own reference (a document matching every
 * query term once at average length scores 1), whatever the other candidates are.
 *
 * @example
 * textScore(3.2, 6.4); // => 0.5
 */
export function textScore(bm25: number, ideal: number): number {
  return ideal > 0 && bm25 > 0 ? bm25 / ideal : 0;
}

/**
 * Vector signal: the cosine mapped linearly through the model's references (typical
 * unrelated cosine → 0, typical related cosine → 1), never below 0.
 *
 * @example
 * vectorScore(0.5, { unrelated: 0.1, related: 0.5 }); // => 1
 * vectorScore(0.07, { unrelated: 0.1, related: 0.5 }); // => 0
 */
export function vectorScore(cos: number | null, cal: EmbedderCalibration): number {
  if (cos === null) return 0;
  return Math.max(0, (cos - cal.unrelated) / (cal.related - cal.unrelated));
}

/**
 * Ranks candidates: calibrated BM25 + calibrated cosine, then neighbour and session
 * context, recency, importance and (for facts) confidence. Every signal is on a fixed
 * scale: a row's score does not depend on which other rows are candidates, except
 * through its neighbours and session (context, by design).
 *
 * @example
 * const ranked = fuse(rows, DEFAULT_WEIGHTS, new Date(), { vector: createBuiltinEmbedder().calibration! });
 */
export function fuse(rows: CandidateRow[], w: FusionWeights, now: Date, cal: FusionCalibration): Scored[] {
  const floor = cal.floor ?? RELEVANCE_FLOOR;
  const base = new Map<string, number>();
  const partial = rows.map((row) => {
    const text = textScore(row.bm25, row.bm25_ideal);
    const vector = vectorScore(row.cos, cal.vector);
    const b = w.text * text + w.vector * vector;
    base.set(key(row), b);
    return { row, text, vector, b };
  });

  const withNeighbors = partial.map((p) => {
    let best = 0;
    for (const entry of p.row.near ?? []) {
      const [src, dist] = entry.split('/');
      if (src === p.row.id) continue;
      best = Math.max(best, (base.get(`episode:${src}`) ?? 0) * NEIGHBOR_DECAY ** (Number(dist) - 1));
    }
    return { ...p, neighbor: w.neighbor * best, s1: p.b + w.neighbor * best };
  });

  const perSession = new Map<string, number[]>();
  const covered = new Map<string, Map<string, number>>();
  const idealOf = new Map<string, number>();
  for (const p of withNeighbors)
    if (p.row.kind === 'episode' && p.row.session) {
      const k = `${p.row.user_id}\u001f${p.row.session}`;
      idealOf.set(k, p.row.bm25_ideal);
      const terms = covered.get(k) ?? new Map<string, number>();
      for (const [i, t] of (p.row.terms ?? []).entries()) terms.set(t, p.row.terms_idf?.[i] ?? 0);
      covered.set(k, terms);
      const list = perSession.get(k) ?? [];
      // By words only: meaning puts a short question near many turns of this small
      // model, and a neighbour's boost is an echo of another turn's match, so counting
      // them made sessions look alike (LoCoMo multi-hop R@10 0.388 -> 0.417 without them).
      list.push(w.text * p.text);
      perSession.set(k, list);
    }
  // A session's strength: the mean text relevance of its best three turns (absolute, like them).
  // Plus its coverage: which of the query's terms its turns contain between them (one
  // turn names the topic, another the detail), as a share of the query's IDF.
  const sessionStrength = new Map<string, number>();
  for (const [k, list] of perSession) {
    const top = list.sort((a, b) => b - a).slice(0, SESSION_TOP);
    const idf = [...(covered.get(k)?.values() ?? [])].reduce((a, b) => a + b, 0);
    const coverage = w.text * textScore(idf, idealOf.get(k) ?? 0);
    sessionStrength.set(k, top.reduce((a, b) => a + b, 0) / SESSION_TOP + SESSION_COVERAGE * coverage);
  }

  return withNeighbors.map((p) => {
    const sk = `${p.row.user_id}\u001f${p.row.session}`;
    const session = p.row.kind === 'episode' ? w.session * (sessionStrength.get(sk) ?? 0) : 0;
    const ageDays = Math.max(0, (now.getTime() - new Date(p.row.occurred_at).getTime()) / 86_400_000);
    const recency = w.recency * 0.5 ** (ageDays / w.halfLifeDays);
    const importance = w.importance * ((p.row.importance - 5) / 5);
    const confidence = p.row.confidence;
    // A row from a time the query names ("in May 2023", "last week") gains a share of
    // its relevance, like recency: a soft signal, never a filter.
    const time = cal.windows?.length && inWindows(p.row.occurred_at, cal.windows) ? w.time : 0;
    // Context signals only re-order what is relevant on its own evidence (its words,
    // its meaning or a matching neighbour): below the floor a row gets nothing. Recency,
    // importance and time scale the relevance (up to ±5%, +50% by default) rather than
    // add to it, so they never outweigh weak evidence itself.
    const score =
      p.s1 >= floor ? (p.s1 + session) * (1 + recency + importance + time) * (0.5 + 0.5 * confidence) : 0;
    return {
      row: p.row,
      score,
      scores: {
        text: p.text,
        vector: p.vector,
        cosine: p.row.cos,
        neighbor: p.neighbor,
        session,
        recency,
        importance,
        time,
        confidence,
      },
    };
  });
}

/** Identity of a candidate across kinds. */
export function key(r: { kind: string; id: string }): string {
  return `${r.kind}:${r.id}`;
}

const WORD = /[\p{L}\p{N}]+/gu;

function words(s: string): Set<string> {
  return new Set((s.toLowerCase().match(WORD) ?? []).filter((x) => x.length > 2));
}

/**
 * Maximal marginal relevance: picks `k` items trading relevance against overlap with
 * what is already picked (word-set Jaccard, so no vectors need fetching).
 * `lambda` 1 = pure relevance, 0 = pure novelty.
 */
export function mmr(items: Scored[], k: number, lambda: number): Scored[] {
  const pool = items.slice(0, Math.max(k * 5, 50)).map((s) => ({ s, w: words(s.row.content) }));
  const maxScore = pool[0]?.s.score || 1;
  const picked: typeof pool = [];
  while (picked.length < k && pool.length) {
    let bestI = 0;
    let bestV = Number.NEGATIVE_INFINITY;
    pool.forEach((c, i) => {
      let overlap = 0;
      for (const p of picked) {
        const inter = [...c.w].filter((x) => p.w.has(x)).length;
        const union = c.w.size + p.w.size - inter || 1;
        overlap = Math.max(overlap, inter / union);
      }
      const v = lambda * (c.s.score / maxScore) - (1 - lambda) * overlap;
      if (v > bestV) {
        bestV = v;
        bestI = i;
      }
    });
    picked.push(pool.splice(bestI, 1)[0]);
  }
  return picked.map((p) => p.s);
}
