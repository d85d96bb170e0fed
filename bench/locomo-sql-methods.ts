// Methods of issue 12 that change recall's SQL (not only the fusion), measured on the
// LoCoMo development split: loads the conversations once (PGlite in memory, built-in
// model), then per question runs recall's candidate SQL under each variant and ranks
// with `fuse`. Variants: how common terms (a speaker's name opening every turn) weigh in
// BM25, and pseudo-relevance feedback (a second text pass with terms of the top memories).
// The figures in BENCHMARKS.md (Quality methods, 2026-12-07) were measured with the fusion
// before the session changes of that round (the time signal plays no part here: no
// windows are passed); rerun, it measures the same variants on top of today's fusion.
// Usage: npx tsx bench/locomo-sql-methods.ts ../shared/bench/locomo
import { loadavg } from 'node:os';
import { loadLocomo } from '../src/bench/locomo-bench.js';
import { createMemory } from '../src/memory.js';
import { BUILTIN_CALIBRATION, createBuiltinEmbedder } from '../src/recall/embedders/builtin-embedder.js';
import { toVectorLiteral } from '../src/recall/embedders/embedder.js';
import { DEFAULT_WEIGHTS, fuse, type Scored } from '../src/recall/recall-fusion.js';
import { type CandidateRow, candidateSql } from '../src/recall/recall-queries.js';

const dir = process.argv[2] ?? '../shared/bench/locomo';
const embedder = createBuiltinEmbedder();
const mem = await createMemory({ dataDir: ':memory:', embedder, indexer: false, llm: null });
const IDF = 'ln(1 + (n.n - d.df + 0.5) / (d.df + 0.5))';
const idfVariants: Record<string, string> = {
  'idf as now (Lucene, > 0)': IDF,
  'idf 0 for terms in > 30% of the scope': `(case when d.df > 0.3 * n.n then 0 else ${IDF} end)`,
  'idf 0 for terms in > 20% of the scope': `(case when d.df > 0.2 * n.n then 0 else ${IDF} end)`,
  'Robertson idf floored at 0': 'greatest(0, ln((n.n - d.df + 0.5) / (d.df + 0.5)))',
};
const now = new Date();
const round = (x: number) => Math.round(x * 1e6) / 1e6;
const sorted = (xs: Scored[]) =>
  xs
    .map((s) => ({ ...s, score: round(s.score) }))
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.row.id.localeCompare(b.row.id));
const results = new Map<string, { cat: number; r: number[] }[]>();
const record = (
  name: string,
  cat: number,
  ranked: Scored[],
  evidence: string[],
  idOf: Map<string, string>,
) => {
  const dias = ranked.slice(0, 20).map((s) => idOf.get(s.row.id));
  const r = [5, 10, 20].map(
    (k) => evidence.filter((e) => dias.slice(0, k).includes(e)).length / evidence.length,
  );
  results.set(name, [...(results.get(name) ?? []), { cat, r }]);
};

for (const c of loadLocomo(dir)) {
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
  const candidates = async (query: string, vector: string | null, idf = IDF) => {
    const { sql, params } = candidateSql({
      scope: { tenant: 'locomo', user: c.name, agent: undefined, session: undefined } as never,
      query,
      vector,
      kinds: ['episode'],
      filters: {},
      now,
      vectorCandidates: 100,
      commonTermShare: 0.3,
      textCandidates: 300,
      textBudget: 1500,
    });
    return (await mem.db.query<CandidateRow>(sql.replaceAll(IDF, idf), params)).rows;
  };
  for (const q of c.questions) {
    const [v] = await embedder.embed([q.question]);
    const vec = toVectorLiteral(v);
    let baseRows: CandidateRow[] = [];
    for (const [name, idf] of Object.entries(idfVariants)) {
      const rows = await candidates(q.question, vec, idf);
      if (idf === IDF) baseRows = rows;
      record(
        name,
        q.category,
        sorted(fuse(rows, DEFAULT_WEIGHTS, now, { vector: BUILTIN_CALIBRATION })),
        q.evidence,
        idOf,
      );
    }
    // Pseudo-relevance feedback: the rarer terms of the top memories, as a second query.
    const first = sorted(fuse(baseRows, DEFAULT_WEIGHTS, now, { vector: BUILTIN_CALIBRATION }));
    for (const [docs, terms] of [
      [3, 5],
      [5, 5],
      [3, 10],
    ] as const) {
      const top = first.slice(0, docs);
      const { rows: exp } = await mem.db.query<{ lexeme: string }>(
        `with q as (select distinct lexeme from unnest(to_tsvector('english', $3::text)))
         select u.lexeme from (select unnest(to_tsvector('english', c)) as x from unnest($1::text[]) c) d,
           lateral (select (d.x).lexeme) u(lexeme)
           join recall_stats s on s.tenant_id = 'locomo' and s.kind = 'episode' and s.user_id = $2 and s.lexeme = u.lexeme,
           recall_stats n
         where n.tenant_id = 'locomo' and n.kind = 'episode' and n.user_id = $2 and n.lexeme = ''
           and u.lexeme not in (select lexeme from q) and s.df > 1 and s.df < 0.1 * n.df and length(u.lexeme) > 2
         group by u.lexeme, s.df, n.df order by count(*) * ln(n.df / s.df) desc limit $4`,
        [top.map((s) => s.row.content), c.name, q.question, terms],
      );
      const expansion = exp.map((e) => e.lexeme).join(' ');
      const second = expansion ? await candidates(expansion, vec) : [];
      const byId = new Map(second.map((r) => [r.id, r]));
      for (const beta of [0.2, 0.4]) {
        // Text = original + beta x expansion (each against its own reference); new rows join.
        const merged = new Map(baseRows.map((r) => [r.id, { ...r }]));
        for (const r of second)
          if (!merged.has(r.id))
            merged.set(r.id, { ...r, bm25: 0, bm25_ideal: baseRows[0]?.bm25_ideal ?? 1 });
        for (const r of merged.values()) {
          const e = byId.get(r.id);
          if (e && e.bm25_ideal > 0 && r.bm25_ideal > 0)
            r.bm25 += beta * (e.bm25 / e.bm25_ideal) * r.bm25_ideal;
        }
        record(
          `PRF top ${docs} docs, ${terms} terms, beta ${beta}`,
          q.category,
          sorted(fuse([...merged.values()], DEFAULT_WEIGHTS, now, { vector: BUILTIN_CALIBRATION })),
          q.evidence,
          idOf,
        );
      }
    }
  }
}
console.log(`load ${loadavg()[0]}`);
for (const [name, rows] of results) {
  const mean = (f: (x: { cat: number; r: number[] }) => number, xs = rows) =>
    xs.reduce((a, x) => a + f(x), 0) / xs.length;
  const cats = [1, 2, 3, 4]
    .map((k) =>
      mean(
        (x) => x.r[1],
        rows.filter((x) => x.cat === k),
      ).toFixed(3),
    )
    .join(' / ');
  console.log(
    name.padEnd(44),
    [0, 1, 2].map((i) => mean((x) => x.r[i]).toFixed(3)).join(' '),
    ` R@10 by category ${cats}`,
  );
}
await mem.close();
process.exit(0);
