/**
 * Progress of the background indexer through a big backlog of rows waiting for an
 * embedding (a store filled by an import, a model change, a server down for a while):
 * rows left, rows per second and the time left, reported to a callback. The indexer
 * reports; whoever runs it (e.g. `mnemo serve`) decides what to print.
 */

/**
 * One report of the indexer about a backlog.
 *
 * - `backlog`: a run found at least `threshold` rows pending (the first report);
 * - `progress`: every `everyMs` while it works through them;
 * - `cleared`: nothing is pending any more;
 * - `stopped`: the indexer was closed with rows still pending; they stay `null` and
 *   are embedded by the next indexer that opens the store (nothing is lost).
 *
 * @example
 * const p: EmbeddingProgress = { state: 'progress', pending: 1200, embedded: 800, elapsedSeconds: 10, rowsPerSecond: 80, etaSeconds: 15 };
 */
export interface EmbeddingProgress {
  state: 'backlog' | 'progress' | 'cleared' | 'stopped';
  /** Rows waiting for an embedding now (the last count, less the rows embedded since). */
  pending: number;
  /** Rows embedded since the backlog was found. */
  embedded: number;
  /** Seconds since the backlog was found. */
  elapsedSeconds: number;
  /** Average rate since the backlog was found (0 before the first batch). */
  rowsPerSecond: number;
  /** Seconds left at that rate; null while the rate is unknown. */
  etaSeconds: number | null;
}

/**
 * Options of {@link createProgressTracker}.
 *
 * @example
 * const opts: ProgressOptions = { onProgress: (p) => console.log(p.pending), threshold: 500, everyMs: 10_000 };
 */
export interface ProgressOptions {
  onProgress: (progress: EmbeddingProgress) => void;
  /** Fewest pending rows that count as a backlog worth reporting; default 500. */
  threshold?: number;
  /** Least time in ms between two `progress` reports; default 10 000. */
  everyMs?: number;
  /** Milliseconds since some origin; default `Date.now`. */
  now?: () => number;
}

/**
 * What the indexer tells the tracker: counts it made and batches it wrote. The tracker
 * decides when to report.
 *
 * @example
 * const t = createProgressTracker({ onProgress: console.log });
 * t.counted(5000); t.embedded(16); t.finished(0);
 */
export interface ProgressTracker {
  /** The indexer counted the pending rows (at the start of a run, and between rounds). */
  counted(pending: number): void;
  /** A batch of `rows` was written. */
  embedded(rows: number): void;
  /**
   * A run ended: with `pending` = 0 it is cleared, otherwise (the indexer closing) stopped;
   * `undefined` when the rows could not be counted (the last count, less the rows since, is used).
   */
  finished(pending: number | undefined): void;
  /** True while a backlog is being reported. */
  readonly reporting: boolean;
}

/**
 * Builds a {@link ProgressTracker} that reports through `onProgress` only while a
 * backlog of at least `threshold` rows is being worked through: one `backlog` report,
 * `progress` at most every `everyMs`, then `cleared` (or `stopped`).
 *
 * @example
 * const t = createProgressTracker({ onProgress: (p) => console.log(formatEmbeddingProgress(p)), threshold: 500 });
 */
export function createProgressTracker(options: ProgressOptions): ProgressTracker {
  const { onProgress } = options;
  const threshold = options.threshold ?? 500;
  const everyMs = options.everyMs ?? 10_000;
  const now = options.now ?? Date.now;
  /** Set while a backlog is being reported. */
  let backlog: { start: number; lastReport: number; embedded: number } | null = null;
  let pending = 0;

  const report = (state: EmbeddingProgress['state']) => {
    if (!backlog) return;
    const elapsed = Math.max(0, now() - backlog.start) / 1000;
    const rate = elapsed > 0 ? backlog.embedded / elapsed : 0;
    onProgress({
      state,
      pending,
      embedded: backlog.embedded,
      elapsedSeconds: Math.round(elapsed),
      rowsPerSecond: Math.round(rate * 10) / 10,
      etaSeconds: rate > 0 ? Math.round(pending / rate) : null,
    });
  };

  return {
    counted(n) {
      pending = n;
      if (backlog || n < threshold) return;
      const t = now();
      backlog = { start: t, lastReport: t, embedded: 0 };
      report('backlog');
    },
    embedded(rows) {
      pending = Math.max(0, pending - rows);
      if (!backlog) return;
      backlog.embedded += rows;
      const t = now();
      if (t - backlog.lastReport < everyMs) return;
      backlog.lastReport = t;
      report('progress');
    },
    finished(n) {
      if (n !== undefined) pending = n;
      report(pending === 0 ? 'cleared' : 'stopped');
      if (pending === 0) backlog = null;
    },
    get reporting() {
      return backlog !== null;
    },
  };
}

/** `95` → `1 min 35 s`; `4000` → `1 h 7 min`. */
function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const m = Math.round(seconds / 60);
  if (m < 60) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/**
 * One log line for a report, as `mnemo serve` prints it.
 *
 * @example
 * formatEmbeddingProgress({ state: 'progress', pending: 1200, embedded: 800, elapsedSeconds: 10, rowsPerSecond: 80, etaSeconds: 15 });
 * // => 'embedding backlog: 1200 rows left, 80 rows/s, about 15 s to go (800 embedded in 10 s)'
 */
export function formatEmbeddingProgress(p: EmbeddingProgress): string {
  switch (p.state) {
    case 'backlog':
      return `embedding backlog: ${p.pending} rows wait for an embedding; recall finds them by text until they are embedded`;
    case 'progress':
      return `embedding backlog: ${p.pending} rows left, ${p.rowsPerSecond} rows/s, ${
        p.etaSeconds === null ? 'time left unknown' : `about ${duration(p.etaSeconds)} to go`
      } (${p.embedded} embedded in ${duration(p.elapsedSeconds)})`;
    case 'cleared':
      return `embedding backlog cleared: ${p.embedded} rows embedded in ${duration(p.elapsedSeconds)} (${p.rowsPerSecond} rows/s)`;
    case 'stopped':
      return `embedding stopped with ${p.pending} rows left (${p.embedded} embedded in ${duration(p.elapsedSeconds)}); they are embedded at the next start`;
  }
}
