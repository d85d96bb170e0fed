/**
 * The memory API, as types only: what an in-process store (src/memory.ts) and a remote
 * server's client (src/client/remote-memory.ts) both implement. Both import it; neither
 * imports the other's module for its types, so the two stay free of a cycle.
 */
import type { Brain } from './brain/brain-schema.js';
import type { Conflicts } from './coordination/conflicts-service.js';
import type { Observations } from './coordination/observations-service.js';
import type { Tasks } from './coordination/tasks-service.js';
import type { Db, Dialect } from './db/db.js';
import type { Decisions } from './decisions/decisions-schema.js';
import type { Episodes } from './episodes/episodes-service.js';
import type { Facts } from './facts/facts-service.js';
import type { CacheFigures, LlmCache } from './formation/cache-schema.js';
import type {
  ConsolidateInput,
  ConsolidateOptions,
  ConsolidationResult,
} from './formation/consolidation-schema.js';
import type { IngestInput, IngestResult } from './formation/ingest-schema.js';
import type { LlmClient } from './formation/llm-schema.js';
import type { Remembered, RememberInput } from './formation/remember-schema.js';
import type { Purge } from './purge/purge-service.js';
import type { ContextInput, ContextResult } from './recall/context-builder.js';
import type { CountInput, MemoryCounts } from './recall/count-schema.js';
import type { Embedder } from './recall/embedders/embedder.js';
import type { RecallInput, RecallResult } from './recall/recall-schema.js';
import type { Sessions } from './sessions/sessions-schema.js';
import type { StatsInput, StatsReport } from './stats/stats-schema.js';
import type { UsageReport, UsageReportInput } from './usage-report/usage-report-schema.js';

/**
 * The task queue every memory offers (local and remote alike).
 *
 * @example
 * const next = await (mem.tasks as MemoryTasks).claim({ queue: 'crawl', agent: 'w1' });
 */
export type MemoryTasks = Tasks;

/**
 * Conflicts as every memory offers them (the detection hook stays inside the store).
 *
 * @example
 * const open = await (mem.conflicts as MemoryConflicts).list({ status: 'open' });
 */
export type MemoryConflicts = Conflicts;

/**
 * The LLM cache's figures and clearing, as every memory offers them.
 *
 * @example
 * const figures = await (mem.cache as MemoryCache).stats({});
 */
export type MemoryCache = CacheFigures;

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
  /** How many memories of each kind the scope holds, as recall sees them. */
  count(input?: CountInput): Promise<MemoryCounts>;
  /**
   * Store statistics for an operator: the tenant's rows, growth, embedding backlog, tasks and
   * LLM cache; the database's sizes, cache hit ratio, connections and slow statements; the
   * figures unavailable on this engine; a warning per threshold crossed (admin over HTTP).
   */
  stats(input?: StatsInput): Promise<StatsReport>;
  /**
   * The usage and billing report of a calendar month (UTC) for the scope's tenant: per key,
   * requests by endpoint, method and status, latency percentiles, tokens, LLM cost, quota
   * used and overage (admin over HTTP).
   */
  usage(input?: UsageReportInput): Promise<UsageReport>;
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
