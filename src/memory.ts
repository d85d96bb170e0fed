import type { Brain } from './brain/brain-schema.js';
import { createBrain } from './brain/brain-service.js';
import { createRemoteMemory, type RemoteMemory, type RemoteMemoryOptions } from './client/remote-memory.js';
import { type Clock, systemClock } from './clock.js';
import { type LocationOptions, resolveLocation } from './config.js';
import { type Conflicts, createConflicts } from './coordination/conflicts-service.js';
import { createObservations, type Observations } from './coordination/observations-service.js';
import { createTasks, type Tasks } from './coordination/tasks-service.js';
import type { Db, Dialect } from './db/db.js';
import { migrate } from './db/migrate.js';
import { openStore } from './db/open.js';
import { tenantTransaction } from './db/tenant-context.js';
import type { Decisions } from './decisions/decisions-schema.js';
import { createDecisions } from './decisions/decisions-service.js';
import { createEpisodes, type Episodes } from './episodes/episodes-service.js';
import { createFacts, type Facts } from './facts/facts-service.js';
import type { CacheFigures, LlmCache } from './formation/cache-schema.js';
import { createLlmCache } from './formation/cache-service.js';
import type {
  ConsolidateInput,
  ConsolidateOptions,
  ConsolidationResult,
} from './formation/consolidation-schema.js';
import { createConsolidate } from './formation/consolidation-service.js';
import type { IngestInput, IngestResult } from './formation/ingest-schema.js';
import { createIngest } from './formation/ingest-service.js';
import { llmFromConfig } from './formation/llm-config.js';
import type { LlmClient } from './formation/llm-schema.js';
import type { Remembered, RememberInput } from './formation/remember-schema.js';
import { createRemember } from './formation/remember-service.js';
import { createPurge, type Purge } from './purge/purge-service.js';
import { type ContextInput, type ContextResult, createContextBuilder } from './recall/context-builder.js';
import type { Embedder } from './recall/embedders/embedder.js';
import { type EmbedderConfig, embedderFromConfig } from './recall/embedders/embedder-config.js';
import { bindEmbedder } from './recall/embedding-binding.js';
import { createIndexer, type Indexer } from './recall/embedding-indexer.js';
import type { EmbeddingProgress } from './recall/embedding-progress.js';
import { INDEXED_WRITES } from './recall/recall-kinds.js';
import type { RecallInput, RecallResult } from './recall/recall-schema.js';
import { createRecall } from './recall/recall-service.js';
import type { Sessions } from './sessions/sessions-schema.js';
import { createSessions } from './sessions/sessions-service.js';

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
}

/** What the core needs to build each memory area: explicit dependencies, no globals. */
export interface CoreDeps {
  db: Db;
  clock: Clock;
}

/**
 * The memory API both an in-process store ({@link LocalMemory}) and a remote server's
 * client ({@link RemoteMemory}) implement: a function typed `(m: Memory) => ...`
 * accepts either. Every interface (CLI, HTTP, MCP) calls this API.
 *
 * @example
 * async function note(m: Memory, text: string) {
 *   await m.remember({ text });
 *   await m.flush();
 *   return m.recall({ query: text });
 * }
 * await note(await createMemory(), 'Ada prefers tea');
 * await note(await createMemory({ url: 'http://127.0.0.1:7411', apiKey }), 'Ada prefers tea');
 */
export interface Memory {
  /** Content-addressed cache of LLM outputs: its figures, and clearing it. */
  readonly cache: CacheFigures;
  /** Key-value brain: dot-notation keys, JSON values, versions, expiry, history. */
  readonly brain: Brain;
  /** Sessions of agents with users: start, end with a summary, list. */
  readonly sessions: Sessions;
  /** Decisions with alternatives, reasoning and outcomes; lessons learned. */
  readonly decisions: Decisions;
  /** The append-only episodic log: conversation turns, events, observations. */
  readonly episodes: Episodes;
  /** Semantic and procedural memory: facts superseded rather than overwritten, as-of reads. */
  readonly facts: Facts;
  /** Explicit, audited erasure of a user, agent, session, one memory or a tenant. */
  readonly purge: Purge;
  /** Durable task queue for agents and background jobs: atomic claims with leases, retries. */
  readonly tasks: Tasks;
  /** Observations agents publish to each other: live subscriptions with cursors, history queries. */
  readonly observations: Observations;
  /** Contradicting facts asserted by different agents, for a supervisor to resolve. */
  readonly conflicts: Conflicts;
  /** Hybrid recall (full text + embeddings + context) over episodes, facts, decisions and brain keys. */
  recall(input: RecallInput): Promise<RecallResult>;
  /** The block an agent injects at the start of a turn, within a token budget. */
  context(input: ContextInput): Promise<ContextResult>;
  /**
   * In process: resolves when every row written so far is embedded (no-op without an
   * embedder). Remote: resolves at once; the server embeds in its own background.
   */
  flush(): Promise<void>;
  /** Stores at once what an agent decided to keep: text (as a fact), a fact or an episode. */
  remember(input: RememberInput): Promise<Remembered>;
  /** Stores a conversation as episodes at once and queues fact extraction (`mnemo.extract`). */
  ingest(input: IngestInput): Promise<IngestResult>;
  /** Summarises and archives old episodes, and merges duplicate facts (with the store's LLM). */
  consolidate(input?: ConsolidateInput): Promise<ConsolidationResult>;
  /** Closes the store (remote: the live subscriptions opened through the client). */
  close(): Promise<void>;
}

/**
 * The in-process memory: {@link Memory} plus the store itself (engine, connection),
 * the embedder and LLM in use, and the full conflicts and cache APIs.
 *
 * @example
 * const mem: LocalMemory = await createMemory({ dataDir: ':memory:' });
 * console.log(mem.dialect); // 'pglite'
 */
export interface LocalMemory extends Memory {
  /** Which engine holds the store. */
  readonly dialect: Dialect;
  /** The underlying connection, for advanced use and tests. */
  readonly db: Db;
  /** Content-addressed cache of LLM outputs (hit rate, cost saved). */
  readonly cache: LlmCache;
  /** The embedder in use, or null for text-only recall. */
  readonly embedder: Embedder | null;
  /** The LLM used by formation, or null (ingest then stores turns without extracting facts). */
  readonly llm: LlmClient | null;
  /** Summarises and archives old episodes, and merges duplicate facts; `options.llm` overrides the store's. */
  consolidate(input?: ConsolidateInput, options?: ConsolidateOptions): Promise<ConsolidationResult>;
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
  const llm = options.llm !== undefined ? options.llm : llmFromConfig({}, process.env);
  let db: Db;
  let owned = true;
  if (options.db) {
    db = options.db;
    owned = false;
    await migrate(db);
  } else {
    db = await openStore(resolveLocation(options), { poolSize: options.poolSize });
  }
  const deps: CoreDeps = { db, clock };
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
        });
    }
  } catch (e) {
    if (owned) await db.close().catch(() => {});
    throw e;
  }
  const conflicts = createConflicts(deps);
  // Outside any request's tenant transaction: the indexer's timer must not inherit it.
  const analyze = analyzer(db);
  const notify = (written: number) =>
    tenantTransaction.exit(() => {
      indexer?.notify();
      analyze(written);
    });
  // Which writes add rows to embed comes from the registry of recall kinds.
  const brain = afterWrites(createBrain(deps), INDEXED_WRITES.brain, notify);
  const episodes = afterWrites(createEpisodes(deps), INDEXED_WRITES.episodes, notify);
  const facts = afterWrites(
    createFacts({ ...deps, hooks: { afterAssert: conflicts.afterAssert } }),
    INDEXED_WRITES.facts,
    notify,
  );
  const decisions = afterWrites(createDecisions(deps), INDEXED_WRITES.decisions, notify);
  const recall = createRecall({ db, clock, embedder });
  const context = createContextBuilder({ brain, facts, episodes, recall });
  const cache = createLlmCache(deps);
  const tasks = createTasks(deps);
  const formation = { db, clock, episodes, facts, tasks, cache, llm };
  return {
    dialect: db.dialect,
    db,
    embedder,
    recall: recall.recall,
    context,
    async flush() {
      if (!embedder) return;
      if (indexer) await indexer.flush();
      else {
        const { embedPending } = await import('./recall/embedding-indexer.js');
        while ((await embedPending({ db, embedder })) > 0) {}
      }
    },
    cache,
    llm,
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
    async close() {
      await indexer?.close();
      // The model thread of an embedder made here ends with the memory; one passed in is the caller's.
      if (options.embedder === undefined) await embedder?.close?.();
      if (owned) await db.close();
    },
  };
}

/**
 * Calls `after` once each named write method of an area has resolved (the background
 * indexer is told there is something new to embed). The area object is left as is.
 */
function afterWrites<T extends object>(
  area: T,
  methods: readonly (keyof T)[],
  after: (written: number) => void,
): T {
  const out = Object.create(area) as T;
  for (const m of methods) {
    const fn = area[m];
    if (typeof fn !== 'function') continue;
    (out as Record<keyof T, unknown>)[m] = async (...args: unknown[]) => {
      const r = await (fn as (...a: unknown[]) => Promise<unknown>).apply(area, args);
      after(Array.isArray(r) ? r.length : 1);
      return r;
    };
  }
  return out;
}

/** Rows written between two ANALYZE runs on the embedded store. */
const ANALYZE_EVERY = 2000;

/**
 * PGlite has no autovacuum, so nothing would ever gather the planner's statistics
 * and recall's plans would degrade as the store grows: the embedded store runs
 * ANALYZE in the background after every ANALYZE_EVERY rows written.
 * A PostgreSQL server's autovacuum does this itself.
 */
function analyzer(db: Db): (written: number) => void {
  if (db.dialect !== 'pglite') return () => {};
  let since = 0;
  let running = false;
  return (written) => {
    since += written;
    if (since < ANALYZE_EVERY || running) return;
    since = 0;
    running = true;
    setTimeout(() => {
      db.exec('analyze')
        .catch(() => {})
        .finally(() => {
          running = false;
        });
    }, 0).unref();
  };
}
