/**
 * An embedder around a function the caller brings (a local model, another SDK).
 */
import { InvalidInputError } from '../../errors.js';
import { checkCalibration, type EmbedderCalibration } from './calibration.js';
import { checkDimension, checkTexts, type Embedder, type EmbedOptions, toUnitVectors } from './embedder.js';

/** Options of {@link createFunctionEmbedder}. */
export interface FunctionEmbedderOptions {
  /** Model identity recorded in the store (`mycorp:e5-small-v2`); change it when the model changes. */
  id: string;
  /** Length of the vectors `embed` returns. */
  dimension: number;
  /** Turns texts into vectors (any scale: mnemo normalises them). */
  embed: (texts: string[], opts?: EmbedOptions) => Promise<ArrayLike<number>[]>;
  /** Most texts per call; default 64. */
  maxBatch?: number;
  /** The model's cosine references (bench/calibrate-embedder.ts); default `DEFAULT_CALIBRATION`. */
  calibration?: EmbedderCalibration;
}

/**
 * Wraps a function as an {@link Embedder}: checks the vectors it returns (count,
 * dimension, finite numbers) and normalises them.
 *
 * @example
 * const embedder = createFunctionEmbedder({
 *   id: 'mycorp:e5-small-v2',
 *   dimension: 384,
 *   embed: async (texts) => myModel.embed(texts),
 * });
 */
export function createFunctionEmbedder(options: FunctionEmbedderOptions): Embedder {
  if (typeof options !== 'object' || options === null)
    throw new InvalidInputError('options must be an object with id, dimension and embed', 'options');
  const { id, embed } = options;
  if (typeof id !== 'string' || id.trim() === '' || id.length > 200)
    throw new InvalidInputError(
      'id must be a non-empty string of at most 200 characters naming the model',
      'id',
    );
  const dimension = checkDimension(options.dimension);
  if (typeof embed !== 'function')
    throw new InvalidInputError('embed must be a function (texts: string[]) => Promise<number[][]>', 'embed');
  const maxBatch = options.maxBatch ?? 64;
  if (!Number.isInteger(maxBatch) || maxBatch < 1)
    throw new InvalidInputError('maxBatch must be a whole number of at least 1', 'maxBatch');
  const calibration = options.calibration === undefined ? undefined : checkCalibration(options.calibration);
  return {
    id,
    dimension,
    maxBatch,
    ...(calibration ? { calibration } : {}),
    async embed(texts: string[], opts?: EmbedOptions): Promise<Float32Array[]> {
      checkTexts(texts);
      if (texts.length === 0) return [];
      const raw = await embed(texts, opts);
      if (!Array.isArray(raw))
        throw new InvalidInputError(`the embed function of "${id}" must return an array of vectors`, 'embed');
      return toUnitVectors(id, dimension, raw, texts.length);
    },
  };
}
