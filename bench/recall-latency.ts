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
 *
 * Multi-user mode, one tenant (the 1M target: 1,000,000 memories over 1,000 users):
 *
 *   npx tsx bench/recall-latency.ts --backend postgres --n 1000000 --users 1000 --build-index-after
 *
 * `--users U` gives the N rows to users u1..uU of tenant `bench`, each user a contiguous
 * share (so each scope is a slice of the conversations). The queries rotate over
 * `--query-users` users (default 10) spread evenly over u1..uU, each query in one
 * user's scope. Then, for `--recall-sample` of the timed questions (default 50), the
 * nearest-neighbour query recall runs (its episode_vec CTE, standing alone) is run as
 * the planner runs it and as an exact scan (index scans off), and recall@100 of the
 * first against the second is reported with the plans of both; EXPLAIN (ANALYZE,
 * BUFFERS) of the first sample goes to stderr (`--explain` adds the whole recall
 * statement's). `--build-index-after` drops episodes_embedding_hnsw before the load
 * and builds it again after it (same definition, `--maintenance-work-mem`), timed
 * apart as index_build_s.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadLocomo } from '../src/bench/locomo-bench.js';
import { createMemory } from '../src/memory.js';
import { toVectorLiteral } from '../src/recall/embedders/embedder.js';
import {
  buildHnsw,
  checkExactLiteral,
  dropHnsw,
  exactVectorLiteral,
  queryUsers,
  recallVsExact,
  searchSettings,
  sizesMb,
  TENANT,
  userOf,
} from './recall-latency-scopes.js';

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
    /** Spread the N memories over this many users of one tenant (multi-user mode). */
    users: { type: 'string' },
    /** Multi-user mode: the queries rotate over this many users. */
    'query-users': { type: 'string', default: '10' },
    /** Multi-user mode: timed questions whose nearest neighbours are checked against an exact scan. */
    'recall-sample': { type: 'string', default: '50' },
    /** Multi-user mode: print the whole recall statement's EXPLAIN (ANALYZE, BUFFERS) to stderr. */
    explain: { type: 'boolean', default: false },
    /** Drop episodes_embedding_hnsw before the bulk load, build it after (timed apart). */
    'build-index-after': { type: 'boolean', default: false },
    'maintenance-work-mem': { type: 'string' },
  },
});
const n = Number(values.n);
const nq = Number(values.queries);
const users = values.users === undefined ? null : Number(values.users);
if (users !== null && !(Number.isInteger(users) && users >= 1 && users <= n))
  throw new Error(`--users ${values.users}: expected an integer from 1 to --n`);
for (const flag of ['query-users', 'recall-sample'] as const)
  if (!(Number(values[flag]) >= 1)) throw new Error(`--${flag} ${values[flag]}: expected a positive integer`);
const workMem = values['maintenance-work-mem'] ?? (values.backend === 'postgres' ? '4GB' : '512MB');

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

/** The multi-user figures: the scopes, the load rate, recall@100 against an exact scan and the plans. */
async function multiUserFigures(
  users: number,
  questions: string[],
  qUsers: string[],
  userFor: (i: number) => string,
  load: { loadSecs: number; makeSecs: number; vacuumSecs: number | null },
) {
  const embedder = mem.embedder;
  if (!embedder) throw new Error('the built-in embedder is required');
  // An even sample of the timed questions, each in the scope it was timed in.
  const m = Math.min(questions.length, Number(values['recall-sample']));
  const samples = Array.from({ length: m }, (_, k) => {
    const i = Math.floor((k * questions.length) / m);
    return { user: userFor(i), question: questions[i] };
  });
  const settings = await searchSettings(mem.db);
  const check = await recallVsExact(mem.db, embedder, samples, values.explain);
  return {
    users,
    rows_per_user: Math.round(n / users),
    query_users: qUsers.length,
    load_rows_per_s: Math.round(n / load.loadSecs),
    // Of bulk_load_s, the time spent making the rows' vectors and literals in this process.
    load_make_s: Number(load.makeSecs.toFixed(1)),
    vacuum_analyze_s: load.vacuumSecs === null ? null : Number(load.vacuumSecs.toFixed(1)),
    ...check,
    ...(await sizesMb(mem.db)),
    settings,
  };
}

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
  if (users !== null) await checkExactLiteral(mem.db, base);
  const indexDef = values['build-index-after'] ? await dropHnsw(mem.db) : null;
  t0 = performance.now();
  const chunk = 2000;
  // Multi-user mode keeps one insert in flight while the next chunk is made.
  let inflight: Promise<unknown> | null = null;
  let makeSecs = 0;
  for (let start = 0; start < n; start += chunk) {
    const m0 = performance.now();
    const rows = [];
    for (let i = start; i < Math.min(n, start + chunk); i++) {
      const j = i % turns.length;
      const v = base[j].map((x) => x + rand() * 0.02);
      const norm = Math.hypot(...v);
      rows.push({
        content: `${turns[j]} (session ${Math.floor(i / 40)})`,
        session: String(Math.floor(i / 40)),
        at: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
        embedding: (users === null ? toVectorLiteral : exactVectorLiteral)(v.map((x) => x / norm)),
        ...(users === null ? {} : { owner: userOf(i, n, users) }),
      });
    }
    makeSecs += (performance.now() - m0) / 1000;
    await inflight;
    inflight = mem.db.query(
      `insert into episodes (tenant_id, user_id, session_id, role, content, occurred_at, embedding)
       select 'bench', ${users === null ? "'u1'" : 'r.owner'}, r.session, 'user', r.content, r.at::timestamptz, r.embedding::vector
       from jsonb_to_recordset($1::jsonb) as r(content text, session text, at text, embedding text${users === null ? '' : ', owner text'})`,
      [JSON.stringify(rows)],
    );
    if (users === null) await inflight;
  }
  await inflight;
  let vacuumSecs: number | null = null;
  if (users === null) await mem.db.exec('analyze');
  const loadSecs = (performance.now() - t0) / 1000;
  if (users !== null) {
    // Settled as a long-lived table is (visibility map, GIN pending list, statistics),
    // so no autovacuum of the fresh rows runs during the timed queries.
    t0 = performance.now();
    await mem.db.exec('vacuum analyze');
    vacuumSecs = (performance.now() - t0) / 1000;
  }
  const build = indexDef ? await buildHnsw(mem.db, databaseUrl, indexDef, workMem) : null;
  if (indexDef) console.error(`rebuilt: ${indexDef} (maintenance_work_mem ${workMem})`);
  for (const m of build?.notices ?? []) console.error(`index build: ${m}`);

  // Multi-user mode: question i in the scope of the (i mod k)-th query user.
  const qUsers = users === null ? ['u1'] : queryUsers(users, Number(values['query-users']));
  const userFor = (i: number) => qUsers[i % qUsers.length];
  // Warm up: model loaded, plans cached.
  for (const user of users === null ? ['u1'] : qUsers)
    await mem.recall({ scope: { tenant: TENANT, user }, query: 'warm up the engine' });
  const lat: number[] = [];
  for (const [i, q] of questions.entries()) {
    const s = performance.now();
    await mem.recall({ scope: { tenant: TENANT, user: userFor(i) }, query: q, k: 10 });
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
      // Multi-user mode without --build-index-after: null, the index grew during the load.
      ...(build
        ? {
            index_build_s: Number(build.seconds.toFixed(1)),
            maintenance_work_mem: workMem,
            ...(build.notices.length ? { index_build_notices: build.notices } : {}),
          }
        : users === null
          ? {}
          : { index_build_s: null }),
      ...(users === null
        ? {}
        : await multiUserFigures(users, questions, qUsers, userFor, { loadSecs, makeSecs, vacuumSecs })),
    }),
  );
} finally {
  await mem.close();
  await dropDb?.();
}
