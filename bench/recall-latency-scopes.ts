/**
 * Helpers of bench/recall-latency.ts for its multi-user mode (`--users U`): which user
 * owns which row, the HNSW index dropped before the bulk load and rebuilt after it,
 * and recall@100 of the nearest-neighbour query recall runs (as the planner runs it)
 * against an exact scan of the same scope, with the plans of both.
 */
import pg from 'pg';
import type { Db } from '../src/db/db.js';
import { Params } from '../src/db/sql.js';
import { type Embedder, toVectorLiteral } from '../src/recall/embedders/embedder.js';
import { RECALL_KIND_SPECS, RECALL_KINDS } from '../src/recall/recall-kinds.js';
import { candidateSql } from '../src/recall/recall-queries.js';
import { recallCandidateQuery } from '../src/recall/recall-service.js';
import { vectorCandidates } from '../src/recall/recall-vector-sql.js';
import { kindWhere } from '../src/recall/recall-where.js';
import { resolveScope } from '../src/scope.js';

export const TENANT = 'bench';
/** The episodes' HNSW index (built by src/recall/embedding-binding.ts when the store is bound). */
export const HNSW_INDEX = RECALL_KIND_SPECS.episode.indexes.vector;
/** Nearest neighbours recall takes per kind (VECTOR_CANDIDATES in recall-service.ts). */
const K = 100;

/**
 * The owner of row `i` of `n`: u1..uU, each user a contiguous share of the rows (and so
 * of the conversations' turns).
 *
 * @example
 * userOf(1999, 20_000, 100) // => 'u10'
 */
export function userOf(i: number, n: number, users: number): string {
  return `u${Math.floor((i * users) / n) + 1}`;
}

const f32 = new Float32Array(1);
const bits32 = new Uint32Array(f32.buffer);

/**
 * The same pgvector literal as toVectorLiteral for float32 values (each element exactly
 * the float32, so the stored vector is bit for bit the same), about five times faster:
 * hexadecimal floats (`0x<24-bit mantissa>p<exponent>`, which pgvector's strtof reads
 * exactly) instead of decimal printing, the loader's main cost.
 *
 * @example
 * exactVectorLiteral(new Float32Array([0.5, -1, 0])) // => '[0x800000p-24,-0x800000p-23,0]'
 */
export function exactVectorLiteral(v: ArrayLike<number>): string {
  const parts = new Array<string>(v.length);
  for (let i = 0; i < v.length; i++) {
    f32[0] = v[i];
    const b = bits32[0];
    const exp = (b >>> 23) & 0xff;
    const frac = b & 0x7fffff;
    if (exp === 0xff) throw new Error('a vector element is not finite');
    if (exp === 0 && frac === 0) parts[i] = '0';
    else
      parts[i] =
        `${b >>> 31 ? '-' : ''}0x${(exp === 0 ? frac : frac | 0x800000).toString(16)}p${(exp === 0 ? 1 : exp) - 150}`;
  }
  return `[${parts.join(',')}]`;
}

/** Checks on the server that exactVectorLiteral and toVectorLiteral give the same vectors. */
export async function checkExactLiteral(db: Db, vs: ArrayLike<number>[]): Promise<void> {
  const pairs = vs.map((v) => ({ a: exactVectorLiteral(v), b: toVectorLiteral(v) }));
  const { rows } = await db.query<{ bad: number }>(
    `select count(*) filter (where not (p.a::vector = p.b::vector)) as bad
     from jsonb_to_recordset($1::jsonb) as p(a text, b text)`,
    [JSON.stringify(pairs)],
  );
  if (Number(rows[0].bad) !== 0) throw new Error(`${rows[0].bad} hexadecimal vector literals differ`);
}

/**
 * `k` users spread evenly over u1..uU: the queries rotate over them.
 *
 * @example
 * queryUsers(100, 4) // => ['u1', 'u26', 'u51', 'u76']
 */
export function queryUsers(users: number, k: number): string[] {
  const m = Math.max(1, Math.min(users, k));
  return Array.from({ length: m }, (_, j) => `u${Math.floor((j * users) / m) + 1}`);
}

/**
 * The statement of recall's episode vector candidates in one user's scope, standing
 * alone: built by the same functions as recall's candidate query (same where clause,
 * same `order by embedding <=> vector limit 100`).
 */
export function nearestSql(user: string, vector: string): { sql: string; params: unknown[] } {
  const p = new Params();
  p.add(TENANT); // $1
  const vec = p.add(vector);
  const vk = p.add(K);
  const w = kindWhere('episode', p, resolveScope({ tenant: TENANT, user }), {}, new Date());
  return {
    sql: `with ${vectorCandidates('episode', 'episodes t', w, 't.id::text', vec, vk)} select id from episode_vec`,
    params: p.values,
  };
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Sort Method'?: string;
  'Subplan Name'?: string;
  'Actual Total Time'?: number;
  'Actual Rows'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

/**
 * A plan as one line: node types, indexes and sort methods, parents first.
 *
 * @example
 * planShape(plan) // => 'Limit > Index Scan using episodes_embedding_hnsw'
 */
export function planShape(n: PlanNode): string {
  let s = n['Node Type'];
  if (n['Index Name']) s += ` using ${n['Index Name']}`;
  else if (n['Relation Name']) s += ` on ${n['Relation Name']}`;
  if (n['Sort Method']) s += ` (${n['Sort Method']})`;
  const kids = (n.Plans ?? []).map(planShape);
  if (kids.length === 0) return s;
  return `${s} > ${kids.length === 1 ? kids[0] : `[${kids.join('; ')}]`}`;
}

function usesHnsw(n: PlanNode): boolean {
  return n['Index Name'] === HNSW_INDEX || (n.Plans ?? []).some(usesHnsw);
}

function findSubplan(n: PlanNode, name: string): PlanNode | null {
  if (n['Subplan Name'] === name) return n;
  for (const c of n.Plans ?? []) {
    const hit = findSubplan(c, name);
    if (hit) return hit;
  }
  return null;
}

async function explainJson(db: Db, sql: string, params: unknown[], analyze = false): Promise<PlanNode> {
  const opts = analyze ? '(analyze, buffers, format json)' : '(format json)';
  const { rows } = await db.query<{ 'QUERY PLAN': unknown }>(`explain ${opts} ${sql}`, params);
  const raw = rows[0]['QUERY PLAN'];
  const doc = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode }[];
  return doc[0].Plan;
}

async function explainText(db: Db, sql: string, params: unknown[]): Promise<string> {
  const { rows } = await db.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${sql}`, params);
  // The query vector's 512 numbers, once per sort key, would bury the plan.
  return rows.map((r) => r['QUERY PLAN'].replace(/'\[[^\]]{200,}\]'/g, "'[query vector]'")).join('\n');
}

/**
 * How the nearest 100 are found: `planner` as recall's pool runs the query (iterative
 * HNSW scan allowed); `exact` with index scans off (HNSW has no bitmap scan, so it is
 * out; the scope's rows come from a btree bitmap scan or a sequential scan, then a
 * sort); `hnsw` with sorts, sequential and bitmap scans off, so the planner takes the
 * HNSW index even where it would not (what recall would get if it did).
 */
const VARIANTS = {
  planner: [],
  exact: ['set local enable_indexscan = off'],
  hnsw: [
    'set local enable_sort = off',
    'set local enable_seqscan = off',
    'set local enable_bitmapscan = off',
  ],
} as const;
type Variant = keyof typeof VARIANTS;

function withVariant<T>(db: Db, v: Variant, fn: (tx: Db) => Promise<T>): Promise<T> {
  if (VARIANTS[v].length === 0) return fn(db);
  return db.transaction(async (tx) => {
    for (const s of VARIANTS[v]) await tx.exec(s);
    return fn(tx);
  });
}

const pctOf = (xs: number[], p: number) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return Number(s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(1));
};
const meanOf = (xs: number[]) =>
  xs.length === 0 ? null : Number((xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(4));

/** The pgvector settings the pool's connections search with, and the server's that bear on the figures. */
export async function searchSettings(db: Db): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of [
    'hnsw.iterative_scan',
    'hnsw.ef_search',
    'hnsw.max_scan_tuples',
    'jit',
    'shared_buffers',
    'max_parallel_maintenance_workers',
  ]) {
    const { rows } = await db.query<{ v: string }>('select current_setting($1, true) as v', [name]);
    out[name] = rows[0].v;
  }
  return out;
}

/** Sizes in MB: the episodes table with its TOAST and indexes, and the HNSW index alone. */
export async function sizesMb(db: Db): Promise<{ episodes_mb: number; hnsw_mb: number | null }> {
  const { rows } = await db.query<{ t: number; h: number | null }>(
    `select pg_total_relation_size('episodes') as t, pg_relation_size(to_regclass($1)) as h`,
    [HNSW_INDEX],
  );
  const mb = (b: number) => Math.round(Number(b) / 1_048_576);
  return { episodes_mb: mb(rows[0].t), hnsw_mb: rows[0].h === null ? null : mb(rows[0].h) };
}

/**
 * For each sample (user, question): the query vector, and the nearest 100 rows of the
 * user's scope found each way (VARIANTS; each plan checked with EXPLAIN: exact must
 * not read the HNSW index, hnsw must), timed, with recall@100 of planner and hnsw
 * against exact. EXPLAIN (ANALYZE, BUFFERS) of the first sample goes to stderr.
 */
export async function recallVsExact(
  db: Db,
  embedder: Embedder,
  samples: { user: string; question: string }[],
  printFull: boolean,
) {
  const ms: Record<Variant, number[]> = { planner: [], exact: [], hnsw: [] };
  const plans: Record<Variant, Map<string, number>> = {
    planner: new Map(),
    exact: new Map(),
    hnsw: new Map(),
  };
  const recalls: Record<'planner' | 'hnsw', number[]> = { planner: [], hnsw: [] };
  let plannerHnsw = 0;
  let exactRows = 0;
  const vectors = await embedder.embed(samples.map((s) => s.question));
  for (const [i, s] of samples.entries()) {
    const { sql, params } = nearestSql(s.user, toVectorLiteral(vectors[i]));
    const ids = {} as Record<Variant, string[]>;
    for (const v of Object.keys(VARIANTS) as Variant[])
      ids[v] = await withVariant(db, v, async (tx) => {
        const plan = await explainJson(tx, sql, params);
        const hnsw = usesHnsw(plan);
        if (v === 'exact' && hnsw) throw new Error(`the exact scan read ${HNSW_INDEX}: ${planShape(plan)}`);
        if (v === 'hnsw' && !hnsw) throw new Error(`the forced HNSW scan did not: ${planShape(plan)}`);
        if (v === 'planner' && hnsw) plannerHnsw++;
        const shape = planShape(plan);
        plans[v].set(shape, (plans[v].get(shape) ?? 0) + 1);
        const t = performance.now();
        const r = await tx.query<{ id: string }>(sql, params);
        ms[v].push(performance.now() - t);
        return r.rows.map((row) => row.id);
      });
    exactRows += ids.exact.length;
    if (ids.exact.length > 0)
      for (const v of ['planner', 'hnsw'] as const) {
        const found = new Set(ids[v]);
        recalls[v].push(ids.exact.filter((id) => found.has(id)).length / ids.exact.length);
      }
    if (i === 0) {
      console.error(`-- nearest-neighbour query (user ${s.user}):\n${sql}`);
      for (const v of Object.keys(VARIANTS) as Variant[])
        console.error(
          `-- ${v} (${VARIANTS[v].join('; ') || 'pool settings'}):\n${await withVariant(db, v, (tx) => explainText(tx, sql, params))}`,
        );
    }
  }
  // The whole recall statement of the first sample: what its episode_vec CTE reads.
  const first = samples[0];
  const recallQuery = candidateSql(
    recallCandidateQuery({
      scope: resolveScope({ tenant: TENANT, user: first.user }),
      query: first.question,
      vector: toVectorLiteral(vectors[0]),
      kinds: [...RECALL_KINDS],
      filters: {},
      now: new Date(),
    }),
  );
  const full = await explainJson(db, recallQuery.sql, recallQuery.params, true);
  const vec = findSubplan(full, 'CTE episode_vec');
  const recallVec = vec
    ? `${planShape(vec)} (${vec['Actual Total Time']} ms, ${vec['Actual Rows']} rows, shared hit ${vec['Shared Hit Blocks']} read ${vec['Shared Read Blocks']})`
    : `episode_vec inlined; statement reads ${HNSW_INDEX}: ${usesHnsw(full)}`;
  console.error(`-- recall statement, CTE episode_vec: ${recallVec}`);
  if (printFull)
    console.error(`-- recall statement:\n${await explainText(db, recallQuery.sql, recallQuery.params)}`);
  const nnMs: Record<string, number | null> = {};
  for (const v of Object.keys(VARIANTS) as Variant[]) {
    nnMs[`${v}_p50`] = pctOf(ms[v], 0.5);
    nnMs[`${v}_p95`] = pctOf(ms[v], 0.95);
  }
  return {
    recall_at_100_vs_exact: meanOf(recalls.planner),
    recall_at_100_min: recalls.planner.length ? Number(Math.min(...recalls.planner).toFixed(2)) : null,
    recall_at_100_hnsw_forced: meanOf(recalls.hnsw),
    recall_sample: recalls.planner.length,
    exact_rows_mean: Math.round(exactRows / samples.length),
    nn_ms: nnMs,
    plan: {
      planner: Object.fromEntries(plans.planner),
      planner_uses_hnsw: `${plannerHnsw}/${samples.length}`,
      exact: Object.fromEntries(plans.exact),
      hnsw_forced: Object.fromEntries(plans.hnsw),
      recall_episode_vec: recallVec,
    },
  };
}

/** Drops the episodes' HNSW index and returns its definition (to build it again as it was). */
export async function dropHnsw(db: Db): Promise<string> {
  const { rows } = await db.query<{ def: string | null }>('select pg_get_indexdef(to_regclass($1)) as def', [
    HNSW_INDEX,
  ]);
  const def = rows[0]?.def;
  if (!def) throw new Error(`no index ${HNSW_INDEX} to drop`);
  await db.exec(`drop index ${HNSW_INDEX}`);
  return def;
}

/**
 * Builds the index `def` with `maintenance_work_mem` raised; on PostgreSQL on its own
 * connection, to report pgvector's notices (such as the graph outgrowing the memory).
 */
export async function buildHnsw(
  db: Db,
  url: string | undefined,
  def: string,
  workMem: string,
): Promise<{ seconds: number; notices: string[] }> {
  if (!/^\d+\s*(kB|MB|GB)$/.test(workMem))
    throw new Error(`--maintenance-work-mem ${workMem}: expected e.g. 2GB`);
  const notices: string[] = [];
  const t0 = performance.now();
  if (url) {
    const c = new pg.Client({ connectionString: url });
    c.on('notice', (m) => notices.push(m.message ?? String(m)));
    await c.connect();
    try {
      await c.query(`set maintenance_work_mem = '${workMem}'`);
      await c.query(def);
    } finally {
      await c.end();
    }
  } else
    await db.transaction(async (tx) => {
      await tx.exec(`set local maintenance_work_mem = '${workMem}'`);
      await tx.exec(def);
    });
  return { seconds: (performance.now() - t0) / 1000, notices };
}
