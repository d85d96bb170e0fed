/**
 * The `stats` figures as Prometheus metrics, read when Prometheus scrapes: rows per
 * kind, the database's size, its buffer cache blocks (hit and read: the hit ratio is a
 * rate of the two), connections against the maximum and the longest statement running
 * (the last two on a server only). The
 * same statements as `mnemo stats` (src/stats/stats-queries.ts), so the two agree.
 *
 * Row counts read every row of every table (there is no cheap exact count in
 * PostgreSQL), so they are read at most once a minute and served from memory in
 * between: a 15 s scrape of a store of millions of rows stays cheap.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import { activity, blockCounts, countRowsByTenant, databaseSize, ROW_KINDS } from '../stats/stats-queries.js';
import type { WatchedStore } from './metrics-collect.js';
import type { ServerLogger } from './server-types.js';

/** How long row counts are served from memory before they are read again (default). */
export const ROW_COUNT_TTL_MS = 60_000;

/**
 * Registers the stats gauges on `registry`. A failed read is logged and leaves its
 * gauge empty for that scrape, never failing the scrape.
 *
 * @example
 * registerStatsGauges(registry, () => store, { logger: console, clock: systemClock, rowCountTtlMs: 60_000 });
 */
export function registerStatsGauges(
  registry: Registry,
  store: () => WatchedStore | undefined,
  deps: { logger?: ServerLogger; clock: Clock; rowCountTtlMs: number },
): void {
  const failed = (what: string) => (e: unknown) => deps.logger?.error(`metrics: cannot read ${what}`, e);
  let counted: { at: number; db: WatchedStore['db']; rows: Map<string, number> } | undefined;

  async function rowsPerKind(db: WatchedStore['db']): Promise<Map<string, number>> {
    const now = deps.clock.now().getTime();
    if (counted && counted.db === db && now - counted.at < deps.rowCountTtlMs) return counted.rows;
    const totals = new Map<string, number>();
    for (const t of await countRowsByTenant(db))
      for (const kind of ROW_KINDS) totals.set(kind, (totals.get(kind) ?? 0) + t[kind]);
    counted = { at: now, db, rows: totals };
    return totals;
  }

  new Gauge({
    name: 'mnemo_rows',
    help: `Rows per kind in the store, every tenant (read at most every ${deps.rowCountTtlMs / 1000} s).`,
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      const s = store();
      if (!s) return;
      await rowsPerKind(s.db).then((totals) => {
        this.reset();
        for (const kind of ROW_KINDS) this.set({ kind }, totals.get(kind) ?? 0);
      }, failed('the row counts'));
    },
  });
  new Gauge({
    name: 'mnemo_database_size_bytes',
    help: 'Size of the database the store is in, in bytes (pg_database_size).',
    registers: [registry],
    async collect() {
      const s = store();
      if (!s) return;
      await databaseSize(s.db).then((n) => this.set(n), failed('the database size'));
    },
  });
  new Counter({
    name: 'mnemo_db_blocks_total',
    help:
      'Blocks of the database found in shared buffers (hit) or read (read) since its statistics were reset; ' +
      'the cache hit ratio is rate(hit) / rate(hit + read).',
    labelNames: ['result'],
    registers: [registry],
    async collect() {
      const s = store();
      if (!s) return;
      await blockCounts(s.db).then((b) => {
        // Read from the server's own counters: set, not counted here.
        this.reset();
        this.inc({ result: 'hit' }, b.hit);
        this.inc({ result: 'read' }, b.read);
      }, failed('the block counts'));
    },
  });
  new Gauge({
    name: 'mnemo_db_connections',
    help: 'Client connections to the PostgreSQL server (used) and its max_connections (max); absent on PGlite.',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const s = store();
      if (!s || s.db.dialect === 'pglite') return;
      await activity(s.db).then((a) => {
        this.set({ state: 'used' }, a.used);
        this.set({ state: 'max' }, a.max);
      }, failed('the connections'));
    },
  });
  new Gauge({
    name: 'mnemo_db_longest_statement_seconds',
    help: 'The longest statement running on the server now, in seconds (0 on PGlite, where nothing else runs).',
    registers: [registry],
    async collect() {
      const s = store();
      if (!s || s.db.dialect === 'pglite') return;
      await activity(s.db).then((a) => this.set(a.longestMs / 1000), failed('the longest statement'));
    },
  });
}
