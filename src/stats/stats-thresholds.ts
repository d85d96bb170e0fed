/**
 * The one registry of alert thresholds: what each measures, its limit and its message.
 * The report's warnings, `mnemo stats --check` and the table in docs/operations.md all
 * come from this list (test/stats checks the docs against it).
 */
import type { StatsReport, StatsWarning } from './stats-schema.js';

/** The report without its warnings: what a threshold measures. */
export type StatsFigures = Omit<StatsReport, 'warnings'>;

/**
 * One alert threshold.
 *
 * @example
 * const t: StatsThreshold = THRESHOLDS[0]; t.measure(report); // => 0.05 or null
 */
export interface StatsThreshold {
  /** The name a warning carries (`connections`). */
  name: string;
  /** How it is measured, for the docs. */
  measured: string;
  /** The limit, for the docs. */
  limitText: string;
  /** The figure; null when it is unavailable or not judged (no limit, too few samples). */
  measure(r: StatsFigures): number | null;
  /** The limit of this report (the size limit depends on `--max-size`). */
  limit(r: StatsFigures): number | null;
  /** True when the figure is past the limit. */
  crossed(value: number, limit: number): boolean;
  message(value: number, limit: number): string;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const bytes = (n: number) =>
  n >= 1024 ** 3
    ? `${(n / 1024 ** 3).toFixed(2)} GB`
    : n >= 1024 ** 2
      ? `${(n / 1024 ** 2).toFixed(1)} MB`
      : `${(n / 1024).toFixed(0)} kB`;

/** Fewest blocks asked before the cache hit ratio is judged: a store just opened reads everything once. */
export const MIN_BLOCKS_JUDGED = 10_000;

/**
 * The thresholds, in the order warnings are listed.
 *
 * @example
 * THRESHOLDS.map((t) => t.name); // ['connections', 'cache_hit_ratio', 'running_statement', 'slow_statement', 'store_size']
 */
export const THRESHOLDS: readonly StatsThreshold[] = [
  {
    name: 'connections',
    measured: 'client connections (pg_stat_activity) / max_connections',
    limitText: 'above 80%',
    measure: (r) =>
      r.database.connections ? r.database.connections.used / r.database.connections.max : null,
    limit: () => 0.8,
    crossed: (v, l) => v > l,
    message: (v) => `connections at ${pct(v)} of max_connections (alert above 80%)`,
  },
  {
    name: 'cache_hit_ratio',
    measured: `blocks found in shared buffers / blocks asked (pg_stat_database), once ${MIN_BLOCKS_JUDGED.toLocaleString('en')} blocks were asked`,
    limitText: 'below 95% (aim above 99%)',
    measure: (r) => (r.database.blocksAsked >= MIN_BLOCKS_JUDGED ? r.database.cacheHitRatio : null),
    limit: () => 0.95,
    crossed: (v, l) => v < l,
    message: (v) =>
      `buffer cache hit ratio ${pct(v)} (alert below 95%, aim above 99%): shared_buffers may be too small for the working set`,
  },
  {
    name: 'running_statement',
    measured: 'the longest statement running now (pg_stat_activity), in ms',
    limitText: 'over 5 s',
    measure: (r) => r.database.longestRunningMs,
    limit: () => 5000,
    crossed: (v, l) => v > l,
    message: (v) => `a statement has been running for ${(v / 1000).toFixed(1)} s (alert over 5 s)`,
  },
  {
    name: 'slow_statement',
    measured: 'the longest mean time of a statement in pg_stat_statements, in ms',
    limitText: 'over 5 s',
    measure: (r) =>
      r.database.slowStatements?.length ? (r.database.slowStatements[0]?.meanMs ?? null) : null,
    limit: () => 5000,
    crossed: (v, l) => v > l,
    message: (v) =>
      `a statement takes ${(v / 1000).toFixed(1)} s on average (alert over 5 s): see database.slowStatements`,
  },
  {
    name: 'store_size',
    measured: 'the database size (pg_database_size) / the size limit (`--max-size`, none by default)',
    limitText: 'at 90% of the limit',
    measure: (r) => (r.database.maxSizeBytes ? r.database.sizeBytes : null),
    limit: (r) => (r.database.maxSizeBytes ? Math.floor(r.database.maxSizeBytes * 0.9) : null),
    crossed: (v, l) => v >= l,
    message: (v, l) =>
      `the database holds ${bytes(v)}, past 90% of its ${bytes(Math.round(l / 0.9))} limit (${bytes(l)})`,
  },
];

/**
 * The warnings of the thresholds a report crosses.
 *
 * @example
 * warningsOf(figures); // => [{ threshold: 'store_size', value: 9019515, limit: 900, message: '...' }]
 */
export function warningsOf(r: StatsFigures): StatsWarning[] {
  const out: StatsWarning[] = [];
  for (const t of THRESHOLDS) {
    const value = t.measure(r);
    const limit = t.limit(r);
    if (value === null || limit === null || !t.crossed(value, limit)) continue;
    out.push({ threshold: t.name, value, limit, message: t.message(value, limit) });
  }
  return out;
}
