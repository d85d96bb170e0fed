/**
 * A cheap, deterministic embedder: hashed words, word pairs and character trigrams
 * folded into a signed vector. Texts sharing words land close together; it knows
 * nothing of meaning. For tests and benchmarks that are not about meaning.
 */
import { InvalidInputError } from '../../errors.js';
import { checkDimension, checkTexts, type Embedder, normalize } from './embedder.js';

/** Options of {@link createHashEmbedder}. */
export interface HashEmbedderOptions {
  /** Vector length; default 256. */
  dimension?: number;
}

/** 32-bit FNV-1a of a string. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function add(v: Float32Array, feature: string, weight: number): void {
  const h = fnv1a(feature);
  // The low bit picks the sign, so unrelated features cancel out on average.
  v[(h >>> 1) % v.length] += h & 1 ? weight : -weight;
}

/** Embeds one text (exported for the tests of its determinism). */
export function hashEmbed(text: string, dimension: number): Float32Array {
  const v = new Float32Array(dimension);
  const words =
    text
      .toLowerCase()
      .normalize('NFKC')
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    add(v, `w:${w}`, 1);
    if (i > 0) add(v, `b:${words[i - 1]} ${w}`, 0.5);
    const padded = `<${w}>`;
    for (let j = 0; j + 3 <= padded.length; j++) add(v, `c:${padded.slice(j, j + 3)}`, 0.25);
  }
  return normalize(v);
}

/**
 * Creates the hash embedder (`hash:ngram-v1`). Same text, same vector, on every
 * machine; no model, no network, microseconds per text.
 *
 * @example
 * const embedder = createHashEmbedder({ dimension: 64 });
 * const [a, b] = await embedder.embed(['deploy to prod', 'deploy to staging']);
 */
export function createHashEmbedder(options: HashEmbedderOptions = {}): Embedder {
  if (typeof options !== 'object' || options === null)
    throw new InvalidInputError('options must be an object like { dimension: 256 }', 'options');
  const dimension = checkDimension(options.dimension ?? 256);
  return {
    id: 'hash:ngram-v1',
    dimension,
    maxBatch: 1024,
    // Shared n-grams, not meaning: unrelated pairs reach 0.18 (p85, measured at 512 dimensions
    // with bench/calibrate-embedder.ts --hash), and so do related ones (it knows no meaning);
    // 0.5 stands for texts sharing about half their n-grams.
    calibration: { unrelated: 0.18, related: 0.5 },
    async embed(texts: string[]): Promise<Float32Array[]> {
      checkTexts(texts);
      return texts.map((t) => hashEmbed(t, dimension));
    },
  };
}
