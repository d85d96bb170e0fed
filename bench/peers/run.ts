/**
 * mnemo beside two peer memory systems, on the same data, embedder and database server:
 * LangGraph.js `PostgresStore` (vector and hybrid search) and mem0 OSS (`mem0ai/oss`,
 * pgvector, `infer: false`). Every system embeds with mnemo's built-in model (one
 * instance, see embedder.ts) and gets its own scratch database `peers_<system>_<time>`
 * on the PostgreSQL + pgvector server of `--url`, dropped at the end.
 *
 *   npm run bench:peers:install                           # once: the peers, a package of their own (package.json here)
 *   npm run bench:peers                                   # LoCoMo retrieval, all systems
 *   npm run bench:peers -- --systems langgraph,mem0 --data ../shared/bench/locomo
 *   npm run bench:peers -- --latency --n 2000             # latency at N memories in one scope
 *   npm run bench:peers -- --latency --n 100000 --queries 200 [--mem0-hnsw] [--keep-db]
 *   (or: npx tsx bench/peers/run.ts ...; --url postgres://postgres@127.0.0.1:5432/postgres)
 *
 * LoCoMo mode runs the protocol of ../shared/bench/locomo/README.md through
 * `runLocomo` of src/bench/locomo-bench.ts (peers via peer.ts's bridge): every turn one
 * memory in its conversation's scope, every category 1-4 question a query, evidence
 * recall@5/10/20 overall and per category, p50/p95 around the search call. It prints
 * one JSON line per row, then a table. Latency mode (latency.ts) prints one JSON line
 * per system and mode. Progress goes to stderr. LoCoMo: Maharana et al., ACL 2024.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { RankingScores } from '../../src/bench/locomo-bench.js';
import { defaultLocomoDir, type LocomoReport, loadLocomo, runLocomo } from '../../src/bench/locomo-bench.js';
import { createBuiltinEmbedder } from '../../src/recall/embedders/builtin-embedder.js';
import { bookEmbedder, MnemoEmbeddings, VectorBook } from './embedder.js';
import { openLangGraph } from './langgraph.js';
import { runLatency } from './latency.js';
import { openMem0 } from './mem0.js';
import { openMnemo } from './mnemo.js';
import { locomoTarget } from './peer.js';
import { createScratchDb, type ScratchDb } from './scratch-db.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: defaultLocomoDir() },
    url: {
      type: 'string',
      default: process.env.PEERS_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    systems: { type: 'string', default: 'mnemo,langgraph,mem0' },
    k: { type: 'string', default: '5,10,20' },
    latency: { type: 'boolean', default: false },
    n: { type: 'string', default: '10000' },
    queries: { type: 'string', default: '200' },
    'latency-k': { type: 'string', default: '10' },
    /** mem0's optional HNSW index on its vectors (off by default, as in mem0). */
    'mem0-hnsw': { type: 'boolean', default: false },
    'keep-db': { type: 'boolean', default: false },
  },
});
const SYSTEMS = ['mnemo', 'langgraph', 'mem0'];
const systems = (values.systems as string).split(',').map((s) => s.trim());
for (const s of systems) if (!SYSTEMS.includes(s)) throw new Error(`--systems takes ${SYSTEMS.join(', ')}`);
const ks = (values.k as string).split(',').map(Number);
const pinned = (
  JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
    dependencies: Record<string, string>;
  }
).dependencies;
const log = (line: string) => process.stderr.write(`${line}\n`);

const conversations = loadLocomo(values.data as string);
const model = createBuiltinEmbedder();
const book = new VectorBook();
const shared = bookEmbedder(model, book);
const embeddings = new MnemoEmbeddings(shared);

/** One row of the LoCoMo run. */
interface LocomoRow {
  bench: 'peers-locomo';
  system: string;
  mode: string;
  what: string;
  questions: number;
  memories: number;
  overall: Record<string, number>;
  byCategory: Record<string, Record<string, number>>;
  p50_ms: number | null;
  p95_ms: number | null;
  ingest_per_s: number | null;
  loadavg: number[];
}
const rows: LocomoRow[] = [];

function emit(
  system: string,
  mode: string,
  what: string,
  r: LocomoReport,
  scores: RankingScores,
  timed: boolean,
  ingest: boolean,
): void {
  const row: LocomoRow = {
    bench: 'peers-locomo',
    system,
    mode,
    what,
    questions: r.questions,
    memories: r.memories,
    overall: scores.overall,
    byCategory: scores.byCategory,
    p50_ms: timed ? r.p50Ms : null,
    p95_ms: timed ? r.p95Ms : null,
    ingest_per_s: ingest ? r.ingestPerSecond : null,
    loadavg: loadavg().map((x) => Math.round(x * 10) / 10),
  };
  rows.push(row);
  console.log(JSON.stringify(row));
}

function progress(label: string) {
  let last = '';
  return (done: number, total: number, phase: string) => {
    if (phase !== last || done === total || done % 100 === 0) log(`${label}: ${phase} ${done}/${total}`);
    last = phase;
  };
}

/** Opens one system on its scratch database. */
async function open(system: string, db: ScratchDb) {
  if (system === 'mnemo') return openMnemo(db.url, shared);
  if (system === 'langgraph')
    return {
      peer: await openLangGraph(db.url, embeddings, pinned['@langchain/langgraph-checkpoint-postgres']),
    };
  return { peer: await openMem0(db.url, embeddings, pinned.mem0ai, { hnsw: Boolean(values['mem0-hnsw']) }) };
}

async function locomo(system: string, db: ScratchDb): Promise<void> {
  const opened = await open(system, db);
  const { peer } = opened;
  try {
    if ('mem' in opened) {
      // mnemo's own rows: the default (hybrid) ranking, timed, and its text-only and vector-only weightings.
      const r = await runLocomo(opened.mem, conversations, ks, progress('mnemo'));
      emit('mnemo', 'hybrid', 'mnemo (this repository) mem.recall, default ranking', r, r.hybrid, true, true);
      emit('mnemo', 'text', 'mnemo mem.recall, text signals only', r, r.bm25, false, false);
      if (r.vector) emit('mnemo', 'vector', 'mnemo mem.recall, vector only', r, r.vector, false, false);
      return;
    }
    const loaded = new Set<string>();
    for (const [i, mode] of peer.modes.entries()) {
      const target = locomoTarget(peer, mode, conversations, loaded);
      const r = await runLocomo(target, conversations, ks, progress(`${system} ${mode}`));
      emit(system, mode, peer.describe(mode), r, r.hybrid, true, i === 0);
    }
  } finally {
    await peer.close();
  }
}

async function latency(system: string, db: ScratchDb): Promise<void> {
  const { peer } = await open(system, db);
  try {
    const questions = [...new Set(conversations.flatMap((c) => c.questions.map((q) => q.question)))].slice(
      0,
      Number(values.queries),
    );
    const latencyRows = await runLatency(peer, db, book, base, turns, {
      n: Number(values.n),
      k: Number(values['latency-k']),
      questions,
      onProgress: log,
    });
    for (const row of latencyRows) console.log(JSON.stringify(row));
  } finally {
    await peer.close();
  }
}

// The latency load's base vectors: the model's vector of every turn (as bench/recall-latency.ts).
const turns = conversations.flatMap((c) => c.turns.map((t) => t.content));
const base: Float32Array[] = [];

async function main(): Promise<void> {
  log(`load average: ${loadavg().map((x) => x.toFixed(2))}`);
  if (values.latency) {
    const t0 = performance.now();
    for (let i = 0; i < turns.length; i += 64) base.push(...(await model.embed(turns.slice(i, i + 64))));
    log(`embedded ${turns.length} turns in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  // A system that fails is reported and the others still run; the exit code tells.
  for (const system of systems) {
    const db = await createScratchDb(values.url as string, system, Boolean(values['keep-db']));
    log(`${system}: database ${db.name}`);
    try {
      await (values.latency ? latency(system, db) : locomo(system, db));
    } catch (e) {
      log(`${system} FAILED: ${(e as Error).stack ?? String(e)}`);
      process.exitCode = 1;
    } finally {
      await db.drop();
    }
  }

  if (!values.latency) {
    const f = (x: number | null | undefined) => (x === null || x === undefined ? '-' : String(x));
    console.log(
      `\nLoCoMo evidence recall@k, ${rows[0]?.questions ?? 0} questions (Maharana et al., ACL 2024); load average ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}\n`,
    );
    const head = [
      'system',
      'mode',
      ...ks.map((k) => `R@${k}`),
      'R@10 cat 1 / 2 / 3 / 4',
      'p50 ms',
      'p95 ms',
      'ingest/s',
    ];
    console.log(`| ${head.join(' | ')} |\n|${'---|'.repeat(head.length)}`);
    for (const r of rows) {
      const cats = ['1', '2', '3', '4'].map((c) => f(r.byCategory[c]?.['recall@10'])).join(' / ');
      console.log(
        `| ${r.system} | ${r.mode} | ${ks.map((k) => f(r.overall[`recall@${k}`])).join(' | ')} | ${cats} | ${f(
          r.p50_ms,
        )} | ${f(r.p95_ms)} | ${f(r.ingest_per_s)} |`,
      );
    }
  }
}

// Print a failure plainly (tfjs's WASM build rethrows unhandled rejections from inside its own code).
main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
