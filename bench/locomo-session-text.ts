// Session scored by its text as a whole (issue 12, "session-level retrieval then turns"),
// measured on the sweep's cached candidates: a session's coverage is the share of the
// query's IDF its candidate turns match between them (one turn may name the topic, another
// the detail), and its turns gain `weight x coverage`, beside or instead of the session
// signal recall has. Lexemes come from PostgreSQL's `english` configuration (PGlite).
// Usage: SWEEP_CACHE=/tmp/q-locomo-rows.json npx tsx bench/locomo-session-text.ts ../shared/bench/locomo
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { loadLocomo } from '../src/bench/locomo-bench.js';
import { createMemory } from '../src/memory.js';
import { BUILTIN_CALIBRATION } from '../src/recall/embedders/builtin-embedder.js';
import { DEFAULT_WEIGHTS, type FusionWeights, fuse, type Scored } from '../src/recall/recall-fusion.js';
import type { CandidateRow } from '../src/recall/recall-queries.js';
import { queryWindows } from '../src/recall/recall-time.js';

const dir = process.argv[2] ?? '../shared/bench/locomo';
const cached = JSON.parse(readFileSync(process.env.SWEEP_CACHE ?? '/tmp/q-locomo-rows.json', 'utf8'));
const convs = loadLocomo(dir);
const mem = await createMemory({ dataDir: ':memory:', embedder: null, indexer: false, llm: null });
const lexemes = async (texts: string[]) =>
  (
    await mem.db.query<{ l: string[] }>(
      `select coalesce(tsvector_to_array(to_tsvector('english', t)), '{}') as l from unnest($1::text[]) t`,
      [texts],
    )
  ).rows.map((r) => new Set(r.l));
type Q = {
  question: string;
  rows: CandidateRow[];
  evidence: string[];
  category: number;
  idOf: Map<string, string>;
};
const questions: (Q & { qlex: string[]; idf: Map<string, number>; rowLex: Map<string, Set<string>> })[] = [];
let i = 0;
for (const c of convs) {
  const all = await lexemes(c.turns.map((t) => t.content));
  const df = new Map<string, number>();
  for (const s of all) for (const l of s) df.set(l, (df.get(l) ?? 0) + 1);
  const n = all.length;
  for (const q of c.questions) {
    const raw = cached[i++];
    const rows: CandidateRow[] = raw.rows.map((r: CandidateRow) => ({
      ...r,
      occurred_at: new Date(r.occurred_at),
    }));
    const [qs] = await lexemes([q.question]);
    const qlex = [...qs].filter((l) => (df.get(l) ?? 0) > 0);
    const idf = new Map(qlex.map((l) => [l, Math.log(1 + (n - df.get(l)! + 0.5) / (df.get(l)! + 0.5))]));
    const rl = await lexemes(rows.map((r) => r.content));
    questions.push({
      ...q,
      rows,
      idOf: new Map(raw.idOf),
      qlex,
      idf,
      rowLex: new Map(rows.map((r, j) => [r.id, rl[j]])),
    });
  }
}
const now = new Date();
const round = (x: number) => Math.round(x * 1e6) / 1e6;
const rank = (xs: Scored[]) =>
  xs
    .map((s) => ({ ...s, score: round(s.score) }))
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.row.id.localeCompare(b.row.id));

function run(w: Partial<FusionWeights>, coverageWeight: number, minTurns = 1) {
  const sums = [0, 0, 0];
  const cat = new Map<number, number[]>();
  for (const q of questions) {
    const parts = fuse(q.rows, { ...DEFAULT_WEIGHTS, ...w }, now, {
      vector: BUILTIN_CALIBRATION,
      windows: queryWindows(q.question, now, q.rows),
    });
    const total = q.qlex.reduce((a, l) => a + q.idf.get(l)!, 0) || 1;
    const covered = new Map<string, Map<string, number>>();
    for (const r of q.rows) {
      const m = covered.get(r.session) ?? new Map<string, number>();
      for (const l of q.qlex) if (q.rowLex.get(r.id)?.has(l)) m.set(l, (m.get(l) ?? 0) + 1);
      covered.set(r.session, m);
    }
    const coverage = new Map(
      [...covered].map(([s, m]) => [
        s,
        [...m].filter(([, k]) => k >= minTurns).reduce((a, [l]) => a + q.idf.get(l)!, 0) / total,
      ]),
    );
    const ranked = rank(
      parts.map((s) => {
        if (s.score === 0 || !coverageWeight) return s;
        const base =
          s.scores.text + DEFAULT_WEIGHTS.vector * s.scores.vector + s.scores.neighbor + s.scores.session;
        const factor = s.score / base;
        return { ...s, score: (base + coverageWeight * (coverage.get(s.row.session) ?? 0)) * factor };
      }),
    );
    const dias = ranked.slice(0, 20).map((s) => q.idOf.get(s.row.id));
    const at = (k: number) =>
      q.evidence.filter((e) => dias.slice(0, k).includes(e)).length / q.evidence.length;
    [5, 10, 20].forEach((k, j) => {
      sums[j] += at(k);
    });
    cat.set(q.category, [...(cat.get(q.category) ?? []), at(10)]);
  }
  const cats = [1, 2, 3, 4].map((k) => {
    const xs = cat.get(k) ?? [];
    return (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(3);
  });
  return `${sums.map((s) => (s / questions.length).toFixed(3)).join(' ')}  R@10 by category ${cats.join(' / ')}`;
}
console.log(`questions ${questions.length}, load ${loadavg()[0]}`);
console.log('recall now'.padEnd(50), run({}, 0));
for (const cw of [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.75, 1]) {
  console.log(`+ coverage x${cw}`.padEnd(50), run({}, cw));
  console.log(`coverage x${cw} instead of the session signal`.padEnd(50), run({ session: 0 }, cw));
}
await mem.close();
process.exit(0);
