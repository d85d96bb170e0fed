/**
 * Embedding off the write path: rows are written with `embedding is null`, and the
 * background indexer of a memory fills them in later (embedding-pending.ts does the
 * batches, embedding-queries.ts holds the SQL). Several processes can share the work
 * on a PostgreSQL server (FOR UPDATE SKIP LOCKED); on PGlite, which one process owns,
 * calls are serialised in-process instead.
 */
import type { Db } from '../db/db.js';
import { InvalidInputError, UnavailableError } from '../errors.js';
import type { Embedder } from './embedders/embedder.js';
import { checkEmbedder } from './embedding-binding.js';
import { embedPending } from './embedding-pending.js';
import { createProgressTracker, type EmbeddingProgress } from './embedding-progress.js';
import { countPending } from './embedding-queries.js';

export { type EmbedPendingOptions, embedPending } from './embedding-pending.js';
export { countPending } from './embedding-queries.js';
export { EMBED_MAX_CHARS } from './recall-kinds.js';

/** Options of {@link createIndexer}. */
export interface IndexerOptions {
  db: Db;
  embedder: Embedder;
  /** Polling period in ms for rows written by other processes (and retries after errors); default 5000. */
  intervalMs?: number;
  /**
   * Poll every `intervalMs` (default true). False when no other process can write the
   * store (embedded PGlite): runs then happen only on `notify()` and `flush()`, so an
   * idle process makes no queries and can exit without `close()`.
   */
  poll?: boolean;
  /** Delay in ms between `notify()` and the run it schedules; default 20 (writes in a burst share a run). */
  debounceMs?: number;
  /** Rows per batch; default the embedder's maxBatch. */
  batchSize?: number;
  /** Told about failures of background runs (the indexer keeps going and retries later). */
  onError?: (error: unknown) => void;
  /** Told how a backlog of at least `progressThreshold` pending rows goes (see {@link EmbeddingProgress}). */
  onProgress?: (progress: EmbeddingProgress) => void;
  /** Told how many rows each written batch embedded (metrics). */
  onEmbedded?: (rows: number) => void;
  /** Fewest pending rows reported as a backlog; default 500. */
  progressThreshold?: number;
  /** Least time in ms between two progress reports; default 10 000. */
  progressEveryMs?: number;
}

/** A background embedder for one store. */
export interface Indexer {
  /** Something was written: schedule a run soon. */
  notify(): void;
  /** Resolves when nothing is pending (runs now if needed); rejects with the error of a failed run. */
  flush(): Promise<void>;
  /**
   * Stops the timers and the run in progress after its current batch (rows not yet
   * embedded stay pending for the next indexer), and waits for it.
   */
  close(): Promise<void>;
  /** The error of the last run, or null once a run succeeds. */
  readonly lastError: unknown;
}

/**
 * Runs {@link embedPending} in the background of this process: soon after each
 * `notify()`, and every `intervalMs` to catch rows written elsewhere. Timers do not
 * keep the process alive.
 *
 * @example
 * const indexer = createIndexer({ db, embedder: createBuiltinEmbedder() });
 * await db.query('insert into episodes ...'); indexer.notify();
 * await indexer.flush(); // every row embedded
 * await indexer.close();
 */
export function createIndexer(options: IndexerOptions): Indexer {
  const { db, onError } = options;
  const embedder = checkEmbedder(options.embedder);
  const intervalMs = options.intervalMs ?? 5000;
  const debounceMs = options.debounceMs ?? 20;
  if (!Number.isInteger(intervalMs) || intervalMs < 1)
    throw new InvalidInputError('intervalMs must be a whole number of at least 1', 'intervalMs');
  if (!Number.isInteger(debounceMs) || debounceMs < 0)
    throw new InvalidInputError('debounceMs must be a whole number of at least 0', 'debounceMs');
  let closed = false;
  let timer: NodeJS.Timeout | null = null;
  let timerDue = Number.POSITIVE_INFINITY;
  let running: Promise<void> | null = null;
  let again = false;
  let lastError: unknown = null;
  const stop = new AbortController();
  let closing: Promise<void> | undefined;
  const progress = options.onProgress
    ? createProgressTracker({
        onProgress: options.onProgress,
        threshold: options.progressThreshold,
        everyMs: options.progressEveryMs,
      })
    : null;
  const onBatch = (n: number) => {
    progress?.embedded(n);
    options.onEmbedded?.(n);
  };
  const count = async () => {
    if (progress) progress.counted((await countPending(db)).total);
  };

  const schedule = (delay: number) => {
    if (closed) return;
    const due = Date.now() + delay;
    if (timer && timerDue <= due) return;
    if (timer) clearTimeout(timer);
    timerDue = due;
    timer = setTimeout(() => {
      timer = null;
      timerDue = Number.POSITIVE_INFINITY;
      kick().catch(() => {});
    }, delay);
    timer.unref();
  };

  /** Starts a run, or asks the current one to go round once more; resolves when it ends. */
  const kick = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          for (let round = 0; !closed; round++) {
            // Counted when a run starts, and between rounds of a backlog (rows keep arriving).
            if (round === 0 || progress?.reporting) await count();
            const n = await embedPending({
              db,
              embedder,
              batchSize: options.batchSize,
              limit: 1024,
              signal: stop.signal,
              onBatch,
            });
            if (n === 0) break;
          }
        } while (again && !closed);
        lastError = null;
        if (!closed) progress?.finished(0);
      } catch (e) {
        if (closed) throw new UnavailableError('the indexer was closed before every row was embedded', e);
        lastError = e;
        onError?.(e);
        throw e;
      } finally {
        running = null;
        if (options.poll !== false) schedule(intervalMs);
      }
    })();
    return running;
  };

  schedule(0);
  return {
    notify() {
      schedule(debounceMs);
    },
    async flush() {
      if (closed) throw new UnavailableError('the indexer is closed');
      await kick();
    },
    close() {
      closing ??= (async () => {
        closed = true;
        if (timer) clearTimeout(timer);
        timer = null;
        // Stops the run between two batches; what is left stays pending for the next indexer.
        stop.abort(new UnavailableError('the indexer is closed'));
        await running?.catch(() => {});
        if (progress?.reporting)
          progress.finished(
            await countPending(db).then(
              (c) => c.total,
              () => undefined,
            ),
          );
      })();
      return closing;
    },
    get lastError() {
      return lastError;
    },
  };
}
