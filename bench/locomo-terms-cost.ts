// Cost of the candidate terms (the session coverage's input, issue 12): recall's candidate
// statement on the LoCoMo development split with and without the lateral subquery that
// returns each candidate's query terms, interleaved, on PGlite in memory. The hash
// embedder stands in for the model: the statement's shape and candidate counts are what
// cost, not which rows are nearest. Usage: npx tsx bench/locomo-terms-cost.ts
import { loadLocomo } from '../src/bench/locomo-bench.js';
import { createMemory } from '../src/memory.js';
import { toVectorLiteral } from '../src/recall/embedders/embedder.js';
import { createHashEmbedder } from '../src/recall/embedders/hash-embedder.js';
import { candidateSql } from '../src/recall/recall-queries.js';

const embedder = createHashEmbedder({ dimension: 384 });
const mem = await createMemory({ dataDir: ':memory:', embedder, indexer: false, llm: null });
const convs = loadLocomo('../shared/bench/locomo');
const times: Record<string, number[]> = { with: [], without: [] };
for (const c of convs) {
  await mem.episodes.appendMany({
    scope: { tenant: 'locomo', user: c.name },
    episodes: c.turns.map((t) => ({
      content: t.content,
      session: t.session,
      occurredAt: t.occurredAt,
      role: 'user' as const,
    })),
  });
}
await mem.flush();
for (let round = 0; round < 2; round++)
  for (const c of convs)
    for (const q of c.questions.slice(0, 60)) {
      const [v] = await embedder.embed([q.question]);
      const { sql, params } = candidateSql({
        scope: { tenant: 'locomo', user: c.name } as never,
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
      const without = sql
        .replace(', tm.terms, tm.terms_idf', '')
        .replace(/left join lateral \(select array_agg[\s\S]*?\) tm on true/, '');
      if (without === sql) throw new Error('no lateral found');
      for (const [name, s] of (round % 2
        ? [
            ['with', sql],
            ['without', without],
          ]
        : [
            ['without', without],
            ['with', sql],
          ]) as [string, string][]) {
        const t0 = performance.now();
        await mem.db.query(s, params);
        if (round > 0) times[name].push(performance.now() - t0);
      }
    }
const pct = (xs: number[], p: number) => xs.sort((a, b) => a - b)[Math.floor(p * xs.length)].toFixed(1);
for (const [k, xs] of Object.entries(times))
  console.log(k, 'n', xs.length, 'p50', pct(xs, 0.5), 'p95', pct(xs, 0.95));
await mem.close();
process.exit(0);
