/**
 * Embedding off the write path: rows are written with `embedding is null`, and this
 * fills them in later, in batches, newest first. Several processes can share the
 * work on a PostgreSQL server (FOR UPDATE SKIP LOCKED); on PGlite, which one
 * process owns, calls are serialised in-process instead.
 */
import type { Db } from '../db/db.js';
import { InvalidInputError, UnavailableError } from '../errors.js';
import { type Embedder, toVectorLiteral } from './embedders/embedder.js';
import {
  assertSameModel,
  bindEmbedder,
  checkEmbedder,
  type EmbeddedTable,
  readBinding,
} from './embedding-binding.js';
import { createProgressTracker, type EmbeddingProgress } from './embedding-progress.js';

/** Longest text handed to an embedder, in characters (the start of a memory carries its gist). */
export const EMBED_MAX_CHARS = 8000;

/** What one table embeds and how its rows are keyed. */
export interface TableSpec {
  table: EmbeddedTable;
  /** Key columns and their SQL array types. */
  keys: Array<[column: string, type: string]>;
  /** What is embedded, as an SQL expression over the row's columns (`p`: a table alias and dot, or ''). */
  text: (p: string) => string;
  order: string;
}

const clip = (expr: string) => `left(${expr}, ${EMBED_MAX_CHARS})`;

/** What each table embeds. Fixed SQL: nothing here comes from input. */
export const EMBEDDED_TEXT: readonly TableSpec[] = [
  {
    table: 'episodes',
    keys: [['id', 'uuid']],
    text: (p) => clip(`concat_ws(E'\\n', nullif(${p}subject, ''), ${p}content)`),
    order: 'seq desc',
  },
  {
    table: 'facts',
    keys: [['id', 'uuid']],
    text: (p) => clip(`concat_ws(E'\\n', nullif(${p}subject, ''), ${p}content)`),
    order: 'created_at desc',
  },
  {
    table: 'decisions',
    keys: [['id', 'uuid']],
    text: (p) =>
      clip(`concat_ws(E'\\n', nullif(${p}subject, ''), ${p}context, ${p}chosen, nullif(${p}reasoning, ''))`),
    order: 'created_at desc',
  },
  {
    table: 'brain',
    keys: [
      ['tenant_id', 'text'],
      ['user_id', 'text'],
      ['agent_id', 'text'],
      ['key', 'text'],
    ],
    text: (p) =>
      clip(`concat_ws(E'\\n', replace(${p}key, '.', ' '), nullif(${p}description, ''), ${p}value #>> '{}')`),
    order: 'updated_at desc',
  },
];

/**
 * The claim and write-back statements of one table (recall's fresh-row step writes
 * back with the same statement, see fresh-embeddings.ts).
 *
 * @example
 * const { write } = statements(EMBEDDED_TEXT[0]);
 */
export function statements(s: TableSpec): { claim: string; write: string } {
  const cols = s.keys.map(([c]) => c).join(', ');
  const claim = `select ${cols}, ${s.text('')} as text from ${s.table}
    where embedding is null order by ${s.order} limit $1 for update skip locked`;
  const n = s.keys.length;
  const arrays = s.keys.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  const vcols = s.keys.map((_, i) => `v_k${i}`).join(', ');
  const match = s.keys.map(([c], i) => `t.${c} = v.v_k${i}`).join(' and ');
  // Why the text comparison: the row is written only if it still says what was
  // embedded (a brain value or decision may change between claim and write).
  const write = `update ${s.table} t set embedding = v.v_vec::vector
    from unnest(${arrays}, $${n + 1}::text[], $${n + 2}::text[]) as v(${vcols}, v_vec, v_text)
    where ${match} and t.embedding is null and ${s.text('t.')} = v.v_text`;
  return { claim, write };
}

const SQL = new Map(EMBEDDED_TEXT.map((s) => [s.table, statements(s)]));

/** Options of {@link embedPending}. */
export interface EmbedPendingOptions {
  db: Db;
  embedder: Embedder;
  /** Rows claimed (and embedded) at a time per table; default the embedder's maxBatch, at most 256. */
  batchSize?: number;
  /** Stop after embedding about this many rows; default: until nothing is pending. */
  limit?: number;
  /** Called after each batch is written, with the rows it embedded. */
  onBatch?: (embedded: number) => void;
  signal?: AbortSignal;
}

/** PGlite is one connection owned by one process: serialise work per store in-process. */
const pgliteLocks = new WeakMap<Db, Promise<unknown>>();

/** Claims, embeds and writes back one batch of one table; returns rows written. */
async function batch(
  tx: Db,
  spec: TableSpec,
  embedder: Embedder,
  size: number,
  signal?: AbortSignal,
): Promise<number> {
  const sql = SQL.get(spec.table) as { claim: string; write: string };
  const { rows } = await tx.query<Record<string, string>>(sql.claim, [size]);
  if (rows.length === 0) return 0;
  const texts = rows.map((r) => r.text);
  const vectors: Float32Array[] = [];
  for (let i = 0; i < texts.length; i += embedder.maxBatch)
    vectors.push(...(await embedder.embed(texts.slice(i, i + embedder.maxBatch), { signal })));
  if (vectors.length !== texts.length)
    throw new UnavailableError(
      `the embedder "${embedder.id}" returned ${vectors.length} vectors for ${texts.length} texts`,
    );
  const params: unknown[] = spec.keys.map(([c]) => rows.map((r) => r[c]));
  params.push(vectors.map(toVectorLiteral), texts);
  const r = await tx.query(sql.write, params);
  return r.rowCount;
}

/**
 * Embeds rows whose embedding is null in episodes, facts, decisions and brain
 * (archived rows too), in batches, newest first, and returns how many it embedded.
 * Binds the store to the embedder first if nothing has yet (see `bindEmbedder`).
 *
 * @example
 * const n = await embedPending({ db, embedder: createBuiltinEmbedder() }); // => 42
 */
export async function embedPending(options: EmbedPendingOptions): Promise<number> {
  const { db, onBatch, signal } = options;
  const embedder = checkEmbedder(options.embedder);
  const size = options.batchSize ?? Math.min(embedder.maxBatch, 256);
  if (!Number.isInteger(size) || size < 1)
    throw new InvalidInputError('batchSize must be a whole number of at least 1', 'batchSize');
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  if (!(limit >= 0)) throw new InvalidInputError('limit must be a number of at least 0', 'limit');
  const bound = await readBinding(db);
  if (bound) assertSameModel(bound, embedder);
  else await bindEmbedder(db, embedder);

  const work = async (): Promise<number> => {
    let done = 0;
    for (const spec of EMBEDDED_TEXT) {
      while (done < limit) {
        signal?.throwIfAborted();
        const take = Math.max(1, Math.min(size, limit - done));
        // On a server, the claim's row locks are held while the model runs so other
        // workers skip these rows; PGlite runs it outside a transaction (see above).
        const n =
          db.dialect === 'postgres'
            ? await db.transaction((tx) => batch(tx, spec, embedder, take, signal))
            : await batch(db, spec, embedder, take, signal);
        if (n === 0) break;
        done += n;
        onBatch?.(n);
      }
    }
    return done;
  };
  if (db.dialect === 'postgres') return work();
  const previous = pgliteLocks.get(db) ?? Promise.resolve();
  const next = previous.catch(() => {}).then(work);
  pgliteLocks.set(
    db,
    next.catch(() => {}),
  );
  return next;
}

/**
 * How many rows wait for an embedding, per table and in total.
 *
 * @example
 * await countPending(db); // => { episodes: 3, facts: 0, decisions: 0, brain: 1, total: 4 }
 */
export async function countPending(db: Db): Promise<Record<EmbeddedTable | 'total', number>> {
  const { rows } = await db.query<Record<EmbeddedTable, number>>(
    `select ${EMBEDDED_TEXT.map((s) => `(select count(*) from ${s.table} where embedding is null) as ${s.table}`).join(', ')}`,
  );
  const r = rows[0];
  return { ...r, total: r.episodes + r.facts + r.decisions + r.brain };
}

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
              onBatch: progress?.embedded,
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
