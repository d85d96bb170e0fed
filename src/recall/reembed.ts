/**
 * Moves a store to another embedding model (or rebuilds it with the same one):
 * clears the vectors, re-types the columns, rebuilds the HNSW indexes, records the
 * model, then embeds every row again in batches. While it runs, recall still finds
 * rows by their words; other processes bound to the old model get a
 * DimensionMismatchError until they are restarted with the new one.
 */
import type { Db } from '../db/db.js';
import { InvalidInputError } from '../errors.js';
import type { Embedder } from './embedders/embedder.js';
import { checkEmbedder, type EmbeddingBinding, rebindEmbedder } from './embedding-binding.js';
import { countPending, embedPending } from './embedding-indexer.js';

/** Progress of a re-embedding run. */
export interface ReembedProgress {
  /** Rows embedded so far. */
  done: number;
  /** Rows to embed in all. */
  total: number;
}

/** Options of {@link reembed}. */
export interface ReembedOptions {
  db: Db;
  /** The model the store moves to. */
  embedder: Embedder;
  /** Rows per batch; default the embedder's maxBatch. */
  batchSize?: number;
  /** Called once at the start and after every batch. */
  onProgress?: (p: ReembedProgress) => void;
  signal?: AbortSignal;
}

/** What {@link reembed} did. */
export interface ReembedResult {
  model: string;
  dimension: number;
  /** The binding before, or null if the store had none. */
  previous: EmbeddingBinding | null;
  /** Rows embedded. */
  embedded: number;
}

/**
 * Re-binds the store to `embedder` and re-embeds every row.
 *
 * @example
 * const r = await reembed({
 *   db, embedder: await createOpenAIEmbedder({ baseUrl, model: 'text-embedding-3-small' }),
 *   onProgress: ({ done, total }) => console.log(`${done}/${total}`),
 * });
 * // => { model: 'openai:text-embedding-3-small', dimension: 1536, previous: {...}, embedded: 1234 }
 */
export async function reembed(options: ReembedOptions): Promise<ReembedResult> {
  if (typeof options !== 'object' || options === null)
    throw new InvalidInputError('options must be an object with db and embedder', 'options');
  const { db, onProgress, signal } = options;
  const embedder = checkEmbedder(options.embedder);
  if (onProgress !== undefined && typeof onProgress !== 'function')
    throw new InvalidInputError('onProgress must be a function', 'onProgress');
  // Probe the model before touching the store: a bad key or URL fails here, store unchanged.
  await embedder.embed(['mnemo reembed probe'], { signal });
  const previous = await rebindEmbedder(db, embedder);
  const total = (await countPending(db)).total;
  let done = 0;
  onProgress?.({ done, total });
  const embedded = await embedPending({
    db,
    embedder,
    batchSize: options.batchSize,
    signal,
    onBatch: (n) => {
      done += n;
      onProgress?.({ done, total: Math.max(total, done) });
    },
  });
  return { model: embedder.id, dimension: embedder.dimension, previous, embedded };
}
