import type { LocalMemory } from './api.js';
import { createBrain } from './brain/brain-service.js';
import { createRemoteMemory, type RemoteMemory, type RemoteMemoryOptions } from './client/remote-memory.js';
import { type Clock, systemClock } from './clock.js';
import { type LocationOptions, resolveLocation } from './config.js';
import { createConflicts } from './coordination/conflicts-service.js';
import { createObservations } from './coordination/observations-service.js';
import { createTasks } from './coordination/tasks-service.js';
import { analyzer } from './db/analyzer.js';
import type { Db } from './db/db.js';
import { migrate } from './db/migrate.js';
import { openStore } from './db/open.js';
import { createDecisions } from './decisions/decisions-service.js';
import { createEpisodes } from './episodes/episodes-service.js';
import { MnemoError } from './errors.js';
import { createFacts } from './facts/facts-service.js';
import { createLlmCache } from './formation/cache-service.js';
import { createConsolidate } from './formation/consolidation-service.js';
import { createIngest } from './formation/ingest-service.js';
import { llmFromConfig } from './formation/llm-config.js';
import { observeLlm } from './formation/llm-observed.js';
import type { LlmClient } from './formation/llm-schema.js';
import { createRemember } from './formation/remember-service.js';
import { afterWrites } from './memory-after-writes.js';
import { type LlmCallReport, type MemoryObserver, timed } from './observer.js';
import { createPurge } from './purge/purge-service.js';
import { createContextBuilder } from './recall/context-builder.js';
import { createCount } from './recall/count-service.js';
import type { Embedder } from './recall/embedders/embedder.js';
import { type EmbedderConfig, embedderFromConfig } from './recall/embedders/embedder-config.js';
import { bindEmbedder } from './recall/embedding-binding.js';
import { createIndexer, type Indexer } from './recall/embedding-indexer.js';
import type { EmbeddingProgress } from './recall/embedding-progress.js';
import { type QueryVectors, queryVectors } from './recall/query-vectors.js';
import { INDEXED_WRITES } from './recall/recall-kinds.js';
import type { RecallInput } from './recall/recall-schema.js';
import { createRecall } from './recall/recall-service.js';
import { createSessions } from './sessions/sessions-service.js';
import { createStats } from './stats/stats-service.js';
import { createUsageReport } from './usage-report/usage-report-service.js';

export type { LocalMemory, Memory, MemoryCache, MemoryConflicts, MemoryTasks } from './api.js';

/** Options of {@link createMemory}. Every field is optional. */
export interface MemoryOptions extends LocationOptions {
  /** Bring your own connection (already open); mnemo migrates it but does not close it. */
  db?: Db;
  /** Time source; tests inject a fixed clock. */
  clock?: Clock;
  /** Connection pool size on a PostgreSQL server (default 10). */
  poolSize?: number;
  /**
   * The embedding model: an {@link Embedder}, `null` for text-only recall, or omitted
   * for the configured one (`MNEMO_EMBEDDER`, default the built-in offline model).
   */
  embedder?: Embedder | null;
  /** Settings for the configured embedder when `embedder` is omitted (see docs/embeddings.md). */
  embedding?: EmbedderConfig;
  /**
   * Embed new rows in the background of this process (default true). One-shot
   * commands turn it off; rows are then embedded by a server, `flush()` or `mnemo reembed`.
   */
  indexer?: boolean;
  /** Told how the background indexer works through a backlog of 500+ rows (`mnemo serve` logs it). */
  onEmbeddingProgress?: (progress: EmbeddingProgress) => void;
  /**
   * The LLM used by formation (fact extraction after `ingest`, consolidation): a client,
   * `null` for none, or omitted for the configured one (`MNEMO_LLM_BASE_URL`; none by default).
   */
  llm?: LlmClient | null;
  /** Told about recalls, LLM calls, cache lookups and rows embedded (`mnemo serve`'s metrics). */
  observer?: MemoryObserver;
}

/**
 * Opens (and migrates) a store and returns its memory API. With no options it is the
 * embedded store in `./.mnemo`, or `DATABASE_URL` / `MNEMO_DATA_DIR` when set. With a
 * `url` it is a client of a remote `mnemo serve` server ({@link createRemoteMemory}).
 *
 * @example
 * import { createMemory } from 'mnemo';
 * const mem = await createMemory();                      // embedded, ./.mnemo
 * const test = await createMemory({ dataDir: ':memory:' });
 * const prod = await createMemory({ databaseUrl: process.env.DATABASE_URL });
 * const remote = await createMemory({ url: 'http://mnemo.internal:7411', apiKey: process.env.MNEMO_API_KEY });
 * await mem.close();
 */
export async function createMemory(options: RemoteMemoryOptions): Promise<RemoteMemory>;
export async function createMemory(options?: MemoryOptions): Promise<LocalMemory>;
export async function createMemory(
  options: MemoryOptions | RemoteMemoryOptions = {},
): Promise<LocalMemory | RemoteMemory> {
  if ('url' in options && options.url !== undefined) return createRemoteMemory(options);
  return openMemory(options as MemoryOptions);
}

async function openMemory(options: MemoryOptions): Promise<LocalMemory> {
  const clock = options.clock ?? systemClock;
  const { observer } = options;
  const llm = observeLlm(options.llm !== undefined ? options.llm : llmFromConfig({}, process.env), observer);
  let db: Db;
  let owned = true;
  if (options.db) {
    db = options.db;
    owned = false;
    await migrate(db);
  } else {
    db = await openStore(resolveLocation(options), { poolSize: options.poolSize });
  }
  let embedder: Embedder | null;
  let indexer: Indexer | null = null;
  try {
    embedder =
      options.embedder !== undefined ? options.embedder : await embedderFromConfig(options.embedding ?? {});
    if (embedder) {
      await bindEmbedder(db, embedder);
      // One process owns an embedded store and notifies every write: no polling, so an
      // idle script makes no queries (PGlite arms a 10 s timer after each) and exits.
      if (options.indexer !== false)
        indexer = createIndexer({
          db,
          embedder,
          onError: () => {},
          poll: db.dialect !== 'pglite',
          onProgress: options.onEmbeddingProgress,
          onEmbedded: observer?.embedded,
        });
    }
  } catch (e) {
    if (owned) await db.close().catch(() => {});
    throw e;
  }
  const analyze = analyzer(db);
  const notify = (written: number) => {
    indexer?.notify();
    analyze(written);
  };
  const parts: MemoryParts = { db, clock, embedder, llm, notify, vectors: queryVectors(embedder), observer };
  const store: LocalMemory = {
    ...memoryOf(parts),
    async flush() {
      if (!embedder) return;
      if (indexer) await indexer.flush();
      else {
        const { embedPending } = await import('./recall/embedding-indexer.js');
        while ((await embedPending({ db, embedder })) > 0) {}
      }
    },
    async close() {
      await indexer?.close();
      // The model thread of an embedder made here ends with the memory; one passed in is the caller's.
      if (options.embedder === undefined) await embedder?.close?.();
      if (owned) await db.close();
    },
  };
  return withTransactions(store, parts);
}

/**
 * @internal What every area of a memory is built from: explicit dependencies, no globals. The
 * store's memory and a request's (over its tenant transaction) share all but `db`.
 *
 * @example
 * const parts: MemoryParts = { db, clock: systemClock, embedder: null, llm: null, notify: () => {} };
 */
export interface MemoryParts {
  /** Where the areas' queries run: the store's connection (pool), or one open transaction. */
  db: Db;
  clock: Clock;
  embedder: Embedder | null;
  llm: LlmClient | null;
  /** Told how many rows each write wrote (the background indexer, ANALYZE on PGlite). */
  notify: (written: number) => void;
  /** The store's connection (PostgreSQL) when `db` is a request's transaction: recall reads there. */
  pool?: Db;
  /** The store's query-embedding cache, shared by the store's memory and its requests'. */
  vectors?: QueryVectors;
  /** Told about recalls and cache lookups (the LLM client and indexer are observed where they are made). */
  observer?: MemoryObserver;
}

/** A memory's areas and calls: everything but `flush` and `close`, which belong to the store. */
type MemoryAreas = Omit<LocalMemory, 'flush' | 'close'>;

/**
 * @internal Builds every area of a memory on `parts.db` (the store's and a transaction's alike).
 *
 * @example
 * const { facts, recall } = memoryOf({ db: tx, clock, embedder, llm, notify });
 */
export function memoryOf(parts: MemoryParts): MemoryAreas {
  const { db, clock, embedder, llm, notify } = parts;
  const deps = { db, clock };
  const conflicts = createConflicts(deps);
  const brain = afterWrites(createBrain(deps), INDEXED_WRITES.brain, notify);
  const episodes = afterWrites(createEpisodes(deps), INDEXED_WRITES.episodes, notify);
  const facts = afterWrites(
    createFacts({ ...deps, hooks: { afterAssert: conflicts.afterAssert } }),
    INDEXED_WRITES.facts,
    notify,
  );
  const decisions = afterWrites(createDecisions(deps), INDEXED_WRITES.decisions, notify);
  // Recall reads on the store's pool even in a request's tenant transaction (RecallDeps.db says why).
  const made = createRecall({ db: parts.pool ?? db, clock, embedder, vectors: parts.vectors });
  const recall = { recall: timed((input: RecallInput) => made.recall(input), parts.observer?.recall) };
  const cache = createLlmCache({ ...deps, onLookup: parts.observer?.cacheLookup });
  const tasks = createTasks(deps);
  const formation = { db, clock, episodes, facts, tasks, cache, llm };
  return {
    dialect: db.dialect,
    db,
    embedder,
    llm,
    recall: recall.recall,
    count: createCount(deps),
    // The database-wide figures are read on the pool, as recall reads (createStats says why).
    stats: createStats({ ...deps, pool: parts.pool }),
    usage: createUsageReport(deps),
    context: createContextBuilder({ brain, facts, episodes, recall }),
    cache,
    remember: createRemember(formation),
    ingest: createIngest(formation),
    consolidate: createConsolidate(formation),
    brain,
    sessions: createSessions(deps),
    decisions,
    episodes,
    facts,
    purge: createPurge(deps),
    tasks,
    observations: afterWrites(createObservations(deps), INDEXED_WRITES.observations, notify),
    conflicts,
  };
}

/**
 * @internal A memory over one open transaction, and the call that tells the store's background
 * indexer about its writes once the transaction has committed (never for a rolled back one).
 *
 * @example
 * const { memory, committed } = memoryOver(store, tx);
 */
export interface TransactionMemory {
  memory: LocalMemory;
  committed(): void;
}

const OVER = Symbol('mnemo.memoryOver');
type Over = (tx: Db, opts?: OverOptions) => TransactionMemory;

/** @internal Options of {@link memoryOver}. */
export interface OverOptions {
  /** Told of each LLM call this memory makes (besides the store's observer): a request's spend. */
  onLlmCall?: (call: LlmCallReport) => void;
}

/** Gives the store's memory the (internal) builder of its per-transaction memories. */
function withTransactions(store: LocalMemory, parts: MemoryParts): LocalMemory {
  const over: Over = (tx, opts) => {
    let written = 0;
    // PGlite has one connection: a statement beside an open transaction would wait for it.
    const pool = parts.db.dialect === 'postgres' && tx !== parts.db ? parts.db : undefined;
    const llm = opts?.onLlmCall ? observeLlm(parts.llm, { llmCall: opts.onLlmCall }) : parts.llm;
    const areas = memoryOf({ ...parts, db: tx, pool, llm, notify: (n) => (written += n) });
    const memory: LocalMemory = {
      ...areas,
      // Embedding and closing belong to the store: the indexer works on the pool.
      flush: () => store.flush(),
      close: async () => {},
    };
    return {
      memory,
      committed() {
        if (written > 0) parts.notify(written);
        written = 0;
      },
    };
  };
  return Object.assign(store, { [OVER]: over });
}

/**
 * @internal The memory of a store whose areas run on `tx` (a request's tenant
 * transaction): built from the store's own parts (embedder, LLM, clock, indexer
 * notifications), so a reader of a route can tell which connection its queries use.
 *
 * @example
 * await runInTenant(store.db, 'acme', async (tx) => {
 *   const { memory, committed } = memoryOver(store, tx);
 *   await memory.brain.set({ key: 'k', value: 1 });
 *   return committed; // call it once the transaction has committed
 * });
 */
export function memoryOver(store: LocalMemory, tx: Db, opts?: OverOptions): TransactionMemory {
  const over = (store as LocalMemory & { [OVER]?: Over })[OVER];
  if (!over)
    throw new MnemoError(
      'internal',
      'this memory was not made by createMemory(): it cannot run over a transaction',
    );
  return over(tx, opts);
}
