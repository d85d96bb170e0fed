/**
 * Gauges read from the store when Prometheus scrapes: the embedding backlog, live
 * tasks by queue and status, and the connection pool. Each query is bounded and
 * served by a partial index, so a scrape stays cheap however big the store grows.
 */
import { Gauge, type Registry } from 'prom-client';
import type { Db } from '../db/db.js';
import { kindSpec, RECALL_KINDS } from '../recall/recall-kinds.js';
import type { ServerLogger } from './server-types.js';

/** Backlog rows counted per table at most: above it the gauge says "at least this many". */
export const BACKLOG_CAP = 100_000;
/** Most (queue, status) series the tasks gauge exports (the biggest first). */
export const TASK_SERIES_CAP = 200;

/**
 * The store a server's scrape-time gauges read.
 *
 * @example
 * const store: WatchedStore = { db: memory.db, embeds: memory.embedder !== null };
 */
export interface WatchedStore {
  db: Db;
  /** False when the memory has no embedder: nothing is ever embedded, so no backlog is exported. */
  embeds: boolean;
}

/**
 * Registers the scrape-time gauges on `registry`; they read whatever `store()`
 * returns at scrape time (nothing before a store is watched). A failed query is
 * logged and leaves its gauge empty for that scrape, never failing the scrape.
 *
 * @example
 * let store: WatchedStore | undefined;
 * registerStoreGauges(registry, () => store, stderrLogger);
 * store = { db: memory.db, embeds: true };
 */
export function registerStoreGauges(
  registry: Registry,
  store: () => WatchedStore | undefined,
  logger: ServerLogger | undefined,
): void {
  const failed = (what: string) => (e: unknown) => logger?.error(`metrics: cannot read ${what}`, e);
  const tables = RECALL_KINDS.map((k) => kindSpec(k).table);
  new Gauge({
    name: 'mnemo_embedding_backlog_rows',
    help: `Rows waiting for an embedding (counted up to ${BACKLOG_CAP} per table).`,
    registers: [registry],
    async collect() {
      const s = store();
      if (!s?.embeds) return;
      const sql = `select ${tables
        .map((t) => `(select count(*)::int from (select 1 from ${t} where embedding is null limit $1) x)`)
        .join(' + ')} as n`;
      await s.db
        .query<{ n: number }>(sql, [BACKLOG_CAP])
        .then((r) => this.set(r.rows[0].n), failed('the embedding backlog'));
    },
  });
  new Gauge({
    name: 'mnemo_tasks',
    help: `Live tasks (open, claimed) by queue and status, the ${TASK_SERIES_CAP} biggest series.`,
    labelNames: ['queue', 'status'],
    registers: [registry],
    async collect() {
      const s = store();
      if (!s) return;
      await s.db
        .query<{ queue: string; status: string; n: number }>(
          `select queue, status, count(*)::int as n from tasks where status in ('open', 'claimed')
           group by queue, status order by n desc limit $1`,
          [TASK_SERIES_CAP],
        )
        .then((r) => {
          // Reset first: a queue that emptied shows 0 for the statuses it had, then goes.
          this.reset();
          for (const row of r.rows) this.set({ queue: row.queue, status: row.status }, row.n);
        }, failed('the tasks'));
    },
  });
  new Gauge({
    name: 'mnemo_db_pool_connections',
    help: 'Connections of the PostgreSQL pool: total open, idle, and callers waiting for one (absent on PGlite).',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const p = store()?.db.poolStats?.();
      if (!p) return;
      this.set({ state: 'total' }, p.total);
      this.set({ state: 'idle' }, p.idle);
      this.set({ state: 'waiting' }, p.waiting);
    },
  });
}
