// Sensitivity of the LoCoMo development figure to the fusion's fixed references:
// loads the conversations once (PGlite in memory, built-in model), gathers every
// question's candidates with recall's own SQL, then re-ranks them with `fuse` under
// a grid of settings around the defaults (vector weight, relevance floor, the two
// cosine references, session and neighbour weights), one changed at a time. It
// reports R@5/10/20 per setting; it fits nothing. Usage:
//   npx tsx bench/locomo-sweep.ts ../shared/bench/locomo
//   SWEEP_CACHE=/tmp/locomo-rows.json npx tsx bench/locomo-sweep.ts   (keeps and reuses the candidates)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { loadLocomo } from '../src/bench/locomo-bench.js';
import { createMemory } from '../src/memory.js';
import { BUILTIN_CALIBRATION, createBuiltinEmbedder } from '../src/recall/embedders/builtin-embedder.js';
import { toVectorLiteral } from '../src/recall/embedders/embedder.js';
import { DEFAULT_WEIGHTS, type FusionWeights, fuse, RELEVANCE_FLOOR } from '../src/recall/recall-fusion.js';
import { type CandidateRow, candidateSql } from '../src/recall/recall-queries.js';

const cacheFile = process.env.SWEEP_CACHE;
const dir = process.argv[2] ?? '../shared/bench/locomo';
const embedder = createBuiltinEmbedder();
const mem = await createMemory({ dataDir: ':memory:', embedder, indexer: false, llm: null });
const convs = cacheFile && existsSync(cacheFile) ? [] : loadLocomo(dir);
const questions: { rows: CandidateRow[]; evidence: string[]; category: number; idOf: Map<string, string> }[] =
  [];
if (cacheFile && existsSync(cacheFile))
  for (const q of JSON.parse(readFileSync(cacheFile, 'utf8')))
    questions.push({
      ...q,
      idOf: new Map(q.idOf),
      rows: q.rows.map((r: CandidateRow) => ({ ...r, occurred_at: new Date(r.occurred_at) })),
    });
for (const c of convs) {
  const scope = { tenant: 'locomo', user: c.name };
  const stored = await mem.episodes.appendMany({
    scope,
    episodes: c.turns.map((t) => ({
      content: t.content,
      session: t.session,
      occurredAt: t.occurredAt,
      role: 'user',
    })),
  });
  const idOf = new Map(stored.map((e, i) => [e.id, c.turns[i].dia]));
  await mem.flush();
  for (const q of c.questions) {
    const [v] = await embedder.embed([q.question]);
    const { sql, params } = candidateSql({
      scope: { tenant: 'locomo', user: c.name, agent: undefined, session: undefined } as never,
      query: q.question,
      vector: toVectorLiteral(v),
      kinds: ['episode'],
      filters: {},
      now: new Date(),
      vectorCandidates: 100,
      commonTermShare: 0.3,
      textCandidates: 300,
      textBudget: 1500,
    });
    const { rows } = await mem.db.query<CandidateRow>(sql, params);
    questions.push({ rows, evidence: q.evidence, category: q.category, idOf });
  }
}
if (cacheFile && !existsSync(cacheFile))
  writeFileSync(cacheFile, JSON.stringify(questions.map((q) => ({ ...q, idOf: [...q.idOf] }))));
const round = (x: number) => Math.round(x * 1e6) / 1e6;
/**
 * Recency measured from the newest candidate (standing in for the scope's latest
 * activity) instead of the wall clock: a method measured here and not adopted
 * (BENCHMARKS.md: R@10 0.765 -> 0.770, but multi-hop 0.395 -> 0.377).
 */
function newestCandidate(rows: CandidateRow[], now: Date): Date {
  const newest = Math.max(...rows.map((r) => new Date(r.occurred_at).getTime()));
  return Number.isFinite(newest) && newest < now.getTime() ? new Date(newest) : now;
}
function evaluate(w: FusionWeights, unrelated: number, related: number, floor: number, fromNewest = false) {
  const ks = [5, 10, 20];
  const sums = [0, 0, 0];
  const short = [0];
  const perCat = new Map<number, { n: number; r10: number }>();
  const now = new Date();
  for (const q of questions) {
    const ref = fromNewest ? newestCandidate(q.rows, now) : now;
    const ranked = fuse(q.rows, w, ref, { vector: { unrelated, related }, floor })
      .map((s) => ({ ...s, score: round(s.score) }))
      .filter((s) => s.score > 0)
      .sort((a, b) => b.score - a.score || a.row.id.localeCompare(b.row.id))
      .slice(0, 20);
    if (ranked.length < 20) short[0]++;
    const dias = ranked.map((s) => q.idOf.get(s.row.id));
    ks.forEach((k, i) => {
      sums[i] += q.evidence.filter((e) => dias.slice(0, k).includes(e)).length / q.evidence.length;
    });
    const c = perCat.get(q.category) ?? { n: 0, r10: 0 };
    c.n++;
    c.r10 += q.evidence.filter((e) => dias.slice(0, 10).includes(e)).length / q.evidence.length;
    perCat.set(q.category, c);
  }
  const cats = [...perCat.entries()]
    .sort(([a], [b]) => a - b)
    .map(([k, c]) => `c${k} ${(c.r10 / c.n).toFixed(3)}`)
    .join(' ');
  return { r: sums.map((s) => Math.round((s / questions.length) * 1000) / 1000), short: short[0], cats };
}
console.log(`questions ${questions.length}, load ${loadavg()[0]}`);
const cal = BUILTIN_CALIBRATION;
const grid: [string, Partial<FusionWeights>, number, number, number, boolean?][] = [
  ['defaults', {}, cal.unrelated, cal.related, RELEVANCE_FLOOR],
  ['recency from the newest candidate', {}, cal.unrelated, cal.related, RELEVANCE_FLOOR, true],
];
for (const vector of [0.2, 0.3, 0.35, 0.5])
  grid.push([`vector weight ${vector}`, { vector }, cal.unrelated, cal.related, RELEVANCE_FLOOR]);
for (const floor of [0, 0.1, 0.15, 0.2]) grid.push([`floor ${floor}`, {}, cal.unrelated, cal.related, floor]);
for (const z of [0.2, 0.25, 0.33]) grid.push([`unrelated ${z}`, {}, z, cal.related, RELEVANCE_FLOOR]);
for (const r of [0.45, 0.55]) grid.push([`related ${r}`, {}, cal.unrelated, r, RELEVANCE_FLOOR]);
for (const session of [0.2, 0.4])
  grid.push([`session ${session}`, { session }, cal.unrelated, cal.related, RELEVANCE_FLOOR]);
for (const neighbor of [0.4, 0.6])
  grid.push([`neighbor ${neighbor}`, { neighbor }, cal.unrelated, cal.related, RELEVANCE_FLOOR]);
for (const [name, w, z, r, floor, fromNewest] of grid) {
  const out = evaluate({ ...DEFAULT_WEIGHTS, ...w }, z, r, floor, fromNewest);
  console.log(name.padEnd(34), out.r.join(' '), `short ${out.short}`, `R@10 ${out.cats}`);
}
await mem.close();
process.exit(0);
