import type { CandidateRow } from './recall-queries.js';
import type { RecallScores } from './recall-schema.js';

/** Weights of the ranking signals. Defaults are in {@link DEFAULT_WEIGHTS}. */
export interface FusionWeights {
  text: number;
  vector: number;
  neighbor: number;
  session: number;
  recency: number;
  importance: number;
  halfLifeDays: number;
}

/**
 * Defaults, chosen on the LoCoMo development split as round values where the
 * measured recall is flat (see BENCHMARKS.md): text and vector fused by scaled
 * score (not by rank: rank fusion throws away how much better the best match is),
 * then context from neighbouring turns and from the session as a whole.
 */
export const DEFAULT_WEIGHTS: FusionWeights = {
  text: 1,
  vector: 0.5,
  neighbor: 0.5,
  session: 0.3,
  recency: 0.05,
  importance: 0.05,
  halfLifeDays: 30,
};

/** Decay of the neighbour boost per turn of distance (the next-but-one counts 0.6). */
const NEIGHBOR_DECAY = 0.6;
/** A session's strength is the sum of its best few turns. */
const SESSION_TOP = 3;

/** A candidate with its fused score and the signals behind it. */
export interface Scored {
  row: CandidateRow;
  score: number;
  scores: RecallScores;
}

/**
 * Ranks candidates: scaled BM25 + scaled cosine, then neighbour and session context,
 * recency, importance and (for facts) confidence.
 *
 * @example
 * const ranked = fuse(rows, DEFAULT_WEIGHTS, new Date(), 100);
 */
export function fuse(rows: CandidateRow[], w: FusionWeights, now: Date, vectorCandidates: number): Scored[] {
  const maxBm = Math.max(0, ...rows.map((r) => r.bm25));
  // The vector scale runs from the weakest of the nearest neighbours (0) to the best (1):
  // raw cosines of one model cluster in a narrow band, so raw values would barely count.
  const cosines = rows
    .map((r) => r.cos)
    .filter((c): c is number => c !== null)
    .sort((a, b) => b - a);
  const cmax = cosines[0] ?? 0;
  const cmin = cosines[Math.min(vectorCandidates, cosines.length) - 1] ?? 0;
  const span = cmax - cmin || 1;

  const base = new Map<string, number>();
  const partial = rows.map((row) => {
    const text = maxBm > 0 ? row.bm25 / maxBm : 0;
    const vector = row.cos !== null && row.cos >= cmin && cosines.length > 0 ? (row.cos - cmin) / span : 0;
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
  for (const p of withNeighbors)
    if (p.row.kind === 'episode' && p.row.session) {
      const k = `${p.row.user_id}\u001f${p.row.session}`;
      const list = perSession.get(k) ?? [];
      list.push(p.s1);
      perSession.set(k, list);
    }
  const sessionStrength = new Map<string, number>();
  for (const [k, list] of perSession)
    sessionStrength.set(
      k,
      list
        .sort((a, b) => b - a)
        .slice(0, SESSION_TOP)
        .reduce((a, b) => a + b, 0),
    );
  const maxSession = Math.max(0, ...sessionStrength.values());

  return withNeighbors.map((p) => {
    const sk = `${p.row.user_id}\u001f${p.row.session}`;
    const session =
      p.row.kind === 'episode' && maxSession > 0
        ? (w.session * (sessionStrength.get(sk) ?? 0)) / maxSession
        : 0;
    const ageDays = Math.max(0, (now.getTime() - new Date(p.row.occurred_at).getTime()) / 86_400_000);
    const recency = w.recency * 0.5 ** (ageDays / w.halfLifeDays);
    const importance = w.importance * ((p.row.importance - 5) / 5);
    const confidence = p.row.confidence;
    const relevance = p.s1 + session;
    // Context signals only re-order what is relevant: a row with no match of its own
    // and no matching neighbour gets nothing from recency or importance.
    const score = relevance > 0 ? (relevance + recency + importance) * (0.5 + 0.5 * confidence) : 0;
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
