/**
 * Embeds the rows still without a vector, kind by kind, in batches, newest first:
 * claim (locked on a server, so other workers skip the rows while the model runs),
 * embed, write back. On PGlite, which one process owns, calls are serialised
 * in-process instead and run outside a transaction.
 */
import type { Db } from '../db/db.js';
import { InvalidInputError, UnavailableError } from '../errors.js';
import type { Embedder } from './embedders/embedder.js';
import { assertSameModel, bindEmbedder, checkEmbedder, readBinding } from './embedding-binding.js';
import { claimPending, writeEmbeddings } from './embedding-queries.js';
import { RECALL_KINDS, type RecallKind } from './recall-kinds.js';

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

/** Claims, embeds and writes back one batch of one kind; returns rows written. */
async function batch(
  tx: Db,
  kind: RecallKind,
  embedder: Embedder,
  size: number,
  signal?: AbortSignal,
): Promise<number> {
  const rows = await claimPending(tx, kind, size);
  if (rows.length === 0) return 0;
  const texts = rows.map((r) => r.text);
  const vectors: Float32Array[] = [];
  for (let i = 0; i < texts.length; i += embedder.maxBatch)
    vectors.push(...(await embedder.embed(texts.slice(i, i + embedder.maxBatch), { signal })));
  if (vectors.length !== texts.length)
    throw new UnavailableError(
      `the embedder "${embedder.id}" returned ${vectors.length} vectors for ${texts.length} texts`,
    );
  return writeEmbeddings(tx, kind, rows, vectors);
}

/**
 * Embeds rows whose embedding is null in every recall kind's table (episodes,
 * facts, brain, decisions; archived rows too), in batches, newest first, and returns how many it embedded.
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
    for (const kind of RECALL_KINDS) {
      while (done < limit) {
        signal?.throwIfAborted();
        const take = Math.max(1, Math.min(size, limit - done));
        // On a server, the claim's row locks are held while the model runs so other
        // workers skip these rows; PGlite runs it outside a transaction.
        const n =
          db.dialect === 'postgres'
            ? await db.transaction((tx) => batch(tx, kind, embedder, take, signal))
            : await batch(db, kind, embedder, take, signal);
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
