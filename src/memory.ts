import type { Brain } from './brain/brain-schema.js';
import { createBrain } from './brain/brain-service.js';
import { type Clock, systemClock } from './clock.js';
import { type LocationOptions, resolveLocation } from './config.js';
import { type Conflicts, createConflicts } from './coordination/conflicts-service.js';
import { createObservations, type Observations } from './coordination/observations-service.js';
import { createTasks, type Tasks } from './coordination/tasks-service.js';
import type { Db, Dialect } from './db/db.js';
import { migrate } from './db/migrate.js';
import { openStore } from './db/open.js';
import type { Decisions } from './decisions/decisions-schema.js';
import { createDecisions } from './decisions/decisions-service.js';
import { createEpisodes, type Episodes } from './episodes/episodes-service.js';
import { createFacts, type Facts } from './facts/facts-service.js';
import type { LlmCache } from './formation/cache-schema.js';
import { createLlmCache } from './formation/cache-service.js';
import { createPurge, type Purge } from './purge/purge-service.js';
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
}

/** What the core needs to build each memory area: explicit dependencies, no globals. */
export interface CoreDeps {
  db: Db;
  clock: Clock;
}

/**
 * The memory of one or many agents. Every interface (CLI, HTTP, MCP) calls this API.
 */
export interface Memory {
  /** Which engine holds the store. */
  readonly dialect: Dialect;
  /** The underlying connection, for advanced use and tests. */
  readonly db: Db;
  /** Content-addressed cache of LLM outputs (hit rate, cost saved). */
  readonly cache: LlmCache;
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
  /** Closes the store. */
  close(): Promise<void>;
}

/**
 * Opens (and migrates) a store and returns its memory API. With no options it is the
 * embedded store in `./.mnemo`, or `DATABASE_URL` / `MNEMO_DATA_DIR` when set.
 *
 * @example
 * import { createMemory } from 'mnemo';
 * const mem = await createMemory();                      // embedded, ./.mnemo
 * const test = await createMemory({ dataDir: ':memory:' });
 * const prod = await createMemory({ databaseUrl: process.env.DATABASE_URL });
 * await mem.close();
 */
export async function createMemory(options: MemoryOptions = {}): Promise<Memory> {
  const clock = options.clock ?? systemClock;
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
  void deps;
  return {
    dialect: db.dialect,
    db,
    cache: createLlmCache(deps),
    brain: createBrain(deps),
    sessions: createSessions(deps),
    decisions: createDecisions(deps),
    episodes: createEpisodes(deps),
    // Seam: facts hooks (afterAssert, used by conflict detection) are passed here once wired.
    facts: createFacts({ ...deps }),
    purge: createPurge(deps),
    tasks: createTasks(deps),
    observations: createObservations(deps),
    conflicts: createConflicts(deps),
    async close() {
      if (owned) await db.close();
    },
  };
}
