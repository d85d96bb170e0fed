/**
 * Binds a store to one embedding model. The first embedder a store is opened with
 * fixes the model and dimension (meta key `embedding`), types the embedding columns
 * as vector(N) and builds their HNSW indexes; opening it later with another model
 * or dimension is refused until `mnemo reembed` moves the store to the new one.
 */
import type { Db } from '../db/db.js';
import { DimensionMismatchError, InvalidInputError } from '../errors.js';
import { checkDimension, type Embedder } from './embedders/embedder.js';
import { kindSpec, RECALL_KINDS } from './recall-kinds.js';

/** The model a store's vectors were built with, as recorded in `meta`. */
export interface EmbeddingBinding {
  model: string;
  dimension: number;
  /** `hnsw` when the columns have HNSW indexes; `none` above pgvector's 2000-dimension index limit. */
  index: 'hnsw' | 'none';
}

/** Tables with an embedding column (one per recall kind, from the registry). */
export { EMBEDDED_TABLES, type EmbeddedTable } from './recall-kinds.js';

/** pgvector's HNSW index takes `vector` columns of at most 2000 dimensions. */
export const HNSW_MAX_DIMENSION = 2000;

/**
 * Why a fixed key: every process that binds or re-binds takes the same
 * transaction-level advisory lock, so two processes opening a new store at once
 * alter the columns once and agree on the model.
 */
const BINDING_LOCK_KEY = 7_263_011_950;

/** Checks an embedder handed in by a caller (any object with id and dimension). */
export function checkEmbedder(embedder: unknown): Embedder {
  const e = embedder as Partial<Embedder> | null;
  if (typeof e !== 'object' || e === null || typeof e.embed !== 'function')
    throw new InvalidInputError(
      'embedder must be an Embedder (createBuiltinEmbedder(), createOpenAIEmbedder(...), ...)',
      'embedder',
    );
  if (typeof e.id !== 'string' || e.id.trim() === '')
    throw new InvalidInputError('embedder.id must be a non-empty string naming the model', 'embedder.id');
  checkDimension(e.dimension, 'embedder.dimension');
  return e as Embedder;
}

/**
 * The model and dimension a store is bound to, or null if no embedder opened it yet.
 *
 * @example
 * await readBinding(db); // => { model: 'builtin:use-lite-512', dimension: 512, index: 'hnsw' }
 */
export async function readBinding(db: Db): Promise<EmbeddingBinding | null> {
  const { rows } = await db.query<{ value: Partial<EmbeddingBinding> }>(
    "select value from meta where key = 'embedding'",
  );
  const v = rows[0]?.value;
  if (!v || typeof v.model !== 'string' || typeof v.dimension !== 'number') return null;
  return { model: v.model, dimension: v.dimension, index: v.index === 'none' ? 'none' : 'hnsw' };
}

function mismatch(stored: EmbeddingBinding, embedder: Embedder): DimensionMismatchError {
  return new DimensionMismatchError(
    `this store was built with the embedding model "${stored.model}" (dimension ${stored.dimension}), ` +
      `but it was opened with "${embedder.id}" (dimension ${embedder.dimension}). ` +
      `Open it with "${stored.model}" again, or run \`mnemo reembed\` to re-embed the store with the new model.`,
    {
      storeModel: stored.model,
      storeDimension: stored.dimension,
      model: embedder.id,
      dimension: embedder.dimension,
    },
  );
}

/** Throws DimensionMismatchError unless the store is bound to exactly this model and dimension. */
export function assertSameModel(stored: EmbeddingBinding, embedder: Embedder): void {
  if (stored.model !== embedder.id || stored.dimension !== embedder.dimension)
    throw mismatch(stored, embedder);
}

/**
 * Types each embedding column as vector(N) and (up to 2000 dimensions) indexes it
 * with HNSW for cosine distance. `clear` drops every existing vector (re-binding);
 * otherwise vectors of the right dimension are kept and others cleared.
 */
async function shapeColumns(tx: Db, dimension: number, clear: boolean): Promise<'hnsw' | 'none'> {
  const n = checkDimension(dimension);
  const index = n <= HNSW_MAX_DIMENSION ? 'hnsw' : 'none';
  // Table and index names are the registry's fixed identifiers; `n` is a checked integer.
  for (const kind of RECALL_KINDS) {
    const { table, indexes } = kindSpec(kind);
    await tx.exec(`drop index if exists ${indexes.vector}`);
    const using = clear ? 'null' : `case when vector_dims(embedding) = ${n} then embedding end`;
    await tx.exec(`alter table ${table} alter column embedding type vector(${n}) using ${using}`);
    if (index === 'hnsw')
      await tx.exec(`create index ${indexes.vector} on ${table} using hnsw (embedding vector_cosine_ops)`);
  }
  return index;
}

async function writeBinding(tx: Db, b: EmbeddingBinding): Promise<void> {
  await tx.query(
    `insert into meta (key, value, updated_at) values ('embedding', $1::jsonb, now())
     on conflict (key) do update set value = excluded.value, updated_at = now()`,
    [JSON.stringify(b)],
  );
}

/**
 * Binds the store to `embedder`: on a store no embedder opened yet, records the model
 * and shapes the columns; on a bound store, checks it is the same model and dimension.
 *
 * @example
 * await bindEmbedder(db, createBuiltinEmbedder());
 * // => { model: 'builtin:use-lite-512', dimension: 512, index: 'hnsw', created: true }
 * await bindEmbedder(db, await createOpenAIEmbedder({ ... })); // throws DimensionMismatchError
 */
export async function bindEmbedder(
  db: Db,
  embedder: Embedder,
): Promise<EmbeddingBinding & { created: boolean }> {
  const e = checkEmbedder(embedder);
  const existing = await readBinding(db);
  if (existing) {
    assertSameModel(existing, e);
    return { ...existing, created: false };
  }
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [BINDING_LOCK_KEY]);
    const again = await readBinding(tx);
    if (again) {
      assertSameModel(again, e);
      return { ...again, created: false };
    }
    const index = await shapeColumns(tx, e.dimension, false);
    const b: EmbeddingBinding = { model: e.id, dimension: e.dimension, index };
    await writeBinding(tx, b);
    return { ...b, created: true };
  });
}

/**
 * Moves the store to another model: clears every vector, re-types the columns to the
 * new dimension, rebuilds the HNSW indexes and records the model, in one transaction.
 * The rows are then pending; `reembed` embeds them again. Returns the previous binding.
 *
 * @example
 * const previous = await rebindEmbedder(db, newEmbedder);
 */
export async function rebindEmbedder(db: Db, embedder: Embedder): Promise<EmbeddingBinding | null> {
  const e = checkEmbedder(embedder);
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [BINDING_LOCK_KEY]);
    const previous = await readBinding(tx);
    const index = await shapeColumns(tx, e.dimension, true);
    await writeBinding(tx, { model: e.id, dimension: e.dimension, index });
    return previous;
  });
}
