/**
 * Recall latency at scale, query embedding included, through the public API.
 *
 *   npx tsx bench/recall-latency.ts --backend pglite --n 10000
 *   npx tsx bench/recall-latency.ts --backend postgres --n 100000 [--url postgres://...]
 *
 * The store is filled with N episodes in one user's scope (the worst case: every
 * query's statistics and candidates come from that one scope). Their texts are the
 * LoCoMo development turns, each copy made distinct by a session tag, and their
 * vectors the built-in model's vector of the turn plus a little noise; they are
 * bulk-loaded with SQL (loading speed is measured elsewhere: bench:append and the
 * LoCoMo run's ingest figure). Queries are the LoCoMo questions, each asked once, so
 * the query-embedding cache never helps.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadLocomo } from '../src/bench/locomo-bench.js';
import { createMemory } from '../src/memory.js';
import { toVectorLiteral } from '../src/recall/embedders/embedder.js';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'pglite' },
    n: { type: 'string', default: '10000' },
    queries: { type: 'string', default: '200' },
    url: {
      type: 'string',
      default: process.env.MNEMO_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    },
    data: { type: 'string', default: '../shared/bench/locomo' },
    'keep-dir': { type: 'string' },
    /** Keep the scratch PostgreSQL database (its name is printed) for profiling. */
    'keep-db': { type: 'boolean', default: false },
  },
});
const n = Number(values.n);
const nq = Number(values.queries);

let dropDb: (() => Promise<void>) | null = null;
let databaseUrl: string | undefined;
if (values.backend === 'postgres') {
  const name = `mnemo_bench_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: values.url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(values.url);
  u.pathname = `/${name}`;
  databaseUrl = u.toString();
  if (values['keep-db']) console.error(`keeping database ${name}`);
  else
    dropDb = async () => {
      const c = new pg.Client({ connectionString: values.url });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
}

const mem = await createMemory(
  databaseUrl ? { databaseUrl } : { dataDir: (values['keep-dir'] as string | undefined) ?? ':memory:' },
);
try {
  const embedder = mem.embedder;
  if (!embedder) throw new Error('the built-in embedder is required');
  const conversations = loadLocomo(values.data as string);
  const turns = conversations.flatMap((c) => c.turns.map((t) => t.content));
  const questions = conversations.flatMap((c) => c.questions.map((q) => q.question)).slice(0, nq);

  let t0 = performance.now();
  const base: Float32Array[] = [];
  for (let i = 0; i < turns.length; i += 64) base.push(...(await embedder.embed(turns.slice(i, i + 64))));
  const embedSecs = (performance.now() - t0) / 1000;

  // Deterministic noise so runs are comparable.
  let seed = 42;
  const rand = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648 - 0.5;
  };
  t0 = performance.now();
  const chunk = 2000;
  for (let start = 0; start < n; start += chunk) {
    const rows = [];
    for (let i = start; i < Math.min(n, start + chunk); i++) {
      const j = i % turns.length;
      const v = base[j].map((x) => x + rand() * 0.02);
      const norm = Math.hypot(...v);
      rows.push({
        content: `${turns[j]} (session ${Math.floor(i / 40)})`,
        session: String(Math.floor(i / 40)),
        at: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
        embedding: toVectorLiteral(v.map((x) => x / norm)),
      });
    }
    await mem.db.query(
      `insert into episodes (tenant_id, user_id, session_id, role, content, occurred_at, embedding)
       select 'bench', 'u1', r.session, 'user', r.content, r.at::timestamptz, r.embedding::vector
       from jsonb_to_recordset($1::jsonb) as r(content text, session text, at text, embedding text)`,
      [JSON.stringify(rows)],
    );
  }
  await mem.db.exec('analyze');
  const loadSecs = (performance.now() - t0) / 1000;

  // Warm up: model loaded, plans cached.
  await mem.recall({ scope: { tenant: 'bench', user: 'u1' }, query: 'warm up the engine' });
  const lat: number[] = [];
  for (const q of questions) {
    const s = performance.now();
    await mem.recall({ scope: { tenant: 'bench', user: 'u1' }, query: q, k: 10 });
    lat.push(performance.now() - s);
  }
  lat.sort((a, b) => a - b);
  const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))].toFixed(1);
  const mean = (lat.reduce((a, b) => a + b, 0) / lat.length).toFixed(1);
  console.log(
    JSON.stringify({
      backend: values.backend,
      memories: n,
      queries: lat.length,
      p50_ms: Number(pct(0.5)),
      p95_ms: Number(pct(0.95)),
      mean_ms: Number(mean),
      embed_texts_per_s: Math.round(turns.length / embedSecs),
      bulk_load_s: Math.round(loadSecs),
    }),
  );
} finally {
  await mem.close();
  await dropDb?.();
}
