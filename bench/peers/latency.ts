/**
 * The latency half of the peer benchmark: N memories in one scope of one system, then
 * Q distinct LoCoMo questions, each timed around the system's search call (query
 * embedding included). The memories are those of bench/recall-latency.ts: the LoCoMo
 * turns in order, over and over, each copy tagged "(session S)" (S = i / 40), and as
 * vectors the built-in model's vector of the turn plus the same deterministic noise
 * (seed 42, +-0.01 per component, then unit length). Every system gets the same texts
 * and the same vectors, written through its own write API: the vectors go into the
 * shared `VectorBook` chunk by chunk, and the shared embedder hands them out when the
 * system embeds those texts. After the load every table is ANALYZEd (what autovacuum
 * would do before long), then each mode gets one warm-up query and the timed ones.
 *
 *   const rows = await runLatency(peer, db, book, base, turns, { n: 2000, k: 10, questions });
 *   // one row per mode: { system, mode, memories, queries, p50_ms, p95_ms, mean_ms, load_s, ... }
 */
import { loadavg } from 'node:os';
import type { VectorBook } from './embedder.js';
import type { MnemoDoc } from './mnemo.js';
import type { Peer } from './peer.js';
import type { ScratchDb } from './scratch-db.js';

/** The scope every latency memory is stored in (a LangGraph namespace, a mem0 user id). */
export const LATENCY_SCOPE = 'latency-u1';
/** Memories written per step of the load (and filed in the vector book at a time). */
const CHUNK = 2000;

/** One result line of the latency run. */
export interface LatencyRow {
  bench: 'peers-latency';
  system: string;
  mode: string;
  what: string;
  memories: number;
  queries: number;
  k: number;
  p50_ms: number;
  p95_ms: number;
  mean_ms: number;
  load_s: number;
  load_per_s: number;
  loadavg: number[];
}

/**
 * The N memories in chunks: texts (with session and time, which mnemo stores) and
 * vectors, exactly as bench/recall-latency.ts builds them.
 *
 * @example
 * for (const { docs, vectors } of corpusChunks(turns, base, 5000, 2000)) console.log(docs.length);
 */
export function* corpusChunks(
  turns: string[],
  base: Float32Array[],
  n: number,
  size: number,
): Generator<{ docs: MnemoDoc[]; vectors: Float32Array[] }> {
  // Deterministic noise so runs are comparable (the generator of bench/recall-latency.ts).
  let seed = 42;
  const rand = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648 - 0.5;
  };
  for (let start = 0; start < n; start += size) {
    const docs: MnemoDoc[] = [];
    const vectors: Float32Array[] = [];
    for (let i = start; i < Math.min(n, start + size); i++) {
      const j = i % turns.length;
      const v = base[j].map((x) => x + rand() * 0.02);
      const norm = Math.hypot(...v);
      vectors.push(v.map((x) => x / norm));
      docs.push({
        content: `${turns[j]} (session ${Math.floor(i / 40)})`,
        session: String(Math.floor(i / 40)),
        occurredAt: new Date(Date.UTC(2025, 0, 1) + i * 60_000),
      });
    }
    yield { docs, vectors };
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * Loads `opts.n` memories into `peer`, then times every question in each of its modes.
 *
 * @example
 * const rows = await runLatency(peer, db, book, base, turns, { n: 2000, k: 10, questions });
 */
export async function runLatency(
  peer: Peer,
  db: ScratchDb,
  book: VectorBook,
  base: Float32Array[],
  turns: string[],
  opts: { n: number; k: number; questions: string[]; onProgress?: (line: string) => void },
): Promise<LatencyRow[]> {
  const t0 = performance.now();
  let loaded = 0;
  for (const { docs, vectors } of corpusChunks(turns, base, opts.n, CHUNK)) {
    for (let i = 0; i < docs.length; i++) book.set(docs[i].content, vectors[i]);
    try {
      await peer.add(LATENCY_SCOPE, docs);
    } finally {
      book.clear();
    }
    loaded += docs.length;
    opts.onProgress?.(`${peer.system}: loaded ${loaded}/${opts.n}`);
  }
  const loadSecs = (performance.now() - t0) / 1000;
  await db.analyze();

  const rows: LatencyRow[] = [];
  for (const mode of peer.modes) {
    await peer.search(LATENCY_SCOPE, 'warm up the engine', opts.k, mode);
    const lat: number[] = [];
    for (const q of opts.questions) {
      const s = performance.now();
      await peer.search(LATENCY_SCOPE, q, opts.k, mode);
      lat.push(performance.now() - s);
    }
    lat.sort((a, b) => a - b);
    rows.push({
      bench: 'peers-latency',
      system: peer.system,
      mode,
      what: peer.describe(mode),
      memories: opts.n,
      queries: lat.length,
      k: opts.k,
      p50_ms: round1(percentile(lat, 0.5)),
      p95_ms: round1(percentile(lat, 0.95)),
      mean_ms: round1(lat.reduce((a, b) => a + b, 0) / lat.length),
      load_s: round1(loadSecs),
      load_per_s: Math.round(opts.n / loadSecs),
      loadavg: loadavg().map(round1),
    });
  }
  return rows;
}
