/**
 * The embedder contract: turns texts into L2-normalised vectors of one fixed
 * dimension. Every embedder (built-in, OpenAI-compatible, a user's function, the
 * hash embedder for tests) implements it, and the store records which one built it.
 */
import { DimensionMismatchError, InvalidInputError, UnavailableError } from '../../errors.js';

/** Two reference cosines of one model. */
export interface EmbedderCalibration {
  /**
   * Cosine that unrelated texts seldom exceed (the 85th percentile of unrelated pairs):
   * maps to vector score 0; below it a row gets nothing from meaning.
   */
  unrelated: number;
  /** Cosine typical of a query and a memory that answers it (the median of related pairs): maps to 1. */
  related: number;
}

/** Options of one {@link Embedder.embed} call. */
export interface EmbedOptions {
  /** Aborts the call (a remote request in flight is cancelled). */
  signal?: AbortSignal;
}

/**
 * Something that turns texts into vectors.
 *
 * @example
 * const e: Embedder = createHashEmbedder({ dimension: 64 });
 * const [v] = await e.embed(['pushed code to Vercel']); // Float32Array(64), |v| = 1
 */
export interface Embedder {
  /** Model identity recorded in the store, e.g. `builtin:use-lite-512`, `openai:text-embedding-3-small`. */
  readonly id: string;
  /** Length of every vector. */
  readonly dimension: number;
  /** Most texts worth sending in one `embed` call (callers chunk by it). */
  readonly maxBatch: number;
  /**
   * Where this model's cosines of unrelated and of related texts sit, measured once
   * (bench/calibrate-embedder.ts); recall maps cosines through it. Absent: the
   * documented default (`DEFAULT_CALIBRATION`, docs/embeddings.md).
   */
  readonly calibration?: EmbedderCalibration;
  /** One L2-normalised vector per text, in order. */
  embed(texts: string[], opts?: EmbedOptions): Promise<Float32Array[]>;
  /**
   * Frees what the model holds (the built-in model's thread). Optional; `createMemory`
   * calls it on `close()` for an embedder it made itself, never for one passed in.
   */
  close?(): Promise<void>;
}

/** Largest dimension a pgvector `vector` column takes. */
export const MAX_DIMENSION = 16_000;

/**
 * Checks a dimension (a whole number 1..16000) and returns it.
 *
 * @example
 * checkDimension(512); // => 512
 * checkDimension(0);   // throws InvalidInputError (field "dimension")
 */
export function checkDimension(n: unknown, field = 'dimension'): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_DIMENSION)
    throw new InvalidInputError(
      `${field} must be a whole number from 1 to ${MAX_DIMENSION} (got ${String(n)})`,
      field,
    );
  return n;
}

/**
 * Checks the texts handed to `embed`: an array of strings.
 *
 * @example
 * checkTexts(['a', 'b']); // ok
 * checkTexts('a');        // throws InvalidInputError (field "texts")
 */
export function checkTexts(texts: unknown): asserts texts is string[] {
  if (!Array.isArray(texts)) throw new InvalidInputError('texts must be an array of strings', 'texts');
  for (let i = 0; i < texts.length; i++)
    if (typeof texts[i] !== 'string')
      throw new InvalidInputError(`texts.${i} must be a string (got ${typeof texts[i]})`, `texts.${i}`);
}

/**
 * Scales a vector to unit length in place (a zero vector becomes the first basis
 * vector, so cosine distance stays defined) and returns it.
 *
 * @example
 * normalize(new Float32Array([3, 4])); // => Float32Array [0.6, 0.8]
 */
export function normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  if (sum === 0 || !Number.isFinite(sum)) {
    v.fill(0);
    if (v.length > 0) v[0] = 1;
    return v;
  }
  const inv = 1 / Math.sqrt(sum);
  for (let i = 0; i < v.length; i++) v[i] *= inv;
  return v;
}

/**
 * Checks what a model returned (one vector per text, each of the expected dimension,
 * finite numbers) and returns normalised Float32Arrays.
 *
 * @example
 * toUnitVectors('my-model', 3, [[1, 0, 0]], 1); // => [Float32Array [1, 0, 0]]
 */
export function toUnitVectors(
  model: string,
  dimension: number,
  raw: ArrayLike<number>[],
  expected: number,
): Float32Array[] {
  if (raw.length !== expected)
    throw new UnavailableError(
      `the embedding model "${model}" returned ${raw.length} vectors for ${expected} texts; check the model server`,
    );
  return raw.map((r, i) => {
    if (r.length !== dimension)
      throw new DimensionMismatchError(
        `the embedding model "${model}" returned a vector of dimension ${r.length}, expected ${dimension}. ` +
          'Configure the dimension the model really produces (or the right model).',
        { model, expected: dimension, got: r.length, index: i },
      );
    const v = Float32Array.from(r);
    for (let j = 0; j < v.length; j++)
      if (!Number.isFinite(v[j]))
        throw new UnavailableError(
          `the embedding model "${model}" returned a non-finite number in vector ${i}`,
        );
    return normalize(v);
  });
}

/**
 * Writes a vector as a pgvector literal (`[0.1,0.2]`), 9 significant digits: exactly
 * what a float32 holds.
 *
 * @example
 * toVectorLiteral(new Float32Array([0.5, 1])); // => '[0.5,1]'
 */
export function toVectorLiteral(v: ArrayLike<number>): string {
  const parts = new Array<string>(v.length);
  for (let i = 0; i < v.length; i++) parts[i] = String(Number(v[i].toPrecision(9)));
  return `[${parts.join(',')}]`;
}

/**
 * Reads a pgvector value as the drivers return it (`'[0.1,0.2]'`).
 *
 * @example
 * parseVectorLiteral('[0.5,1]'); // => Float32Array [0.5, 1]
 */
export function parseVectorLiteral(text: string): Float32Array {
  return Float32Array.from(JSON.parse(text) as number[]);
}
