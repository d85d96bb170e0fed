/**
 * One embedding model for every system of the peer benchmark: mnemo's built-in
 * embedder (Universal Sentence Encoder lite, 512 dimensions, weights shipped in an npm
 * package), created once per process and handed to mnemo as an `Embedder` and to the
 * peers as a LangChain `Embeddings` (LangGraph's `index.embed` takes one, and so does
 * mem0's `langchain` embedder provider), so all of them embed with the very same
 * model, the same vectors and the same single model instance.
 *
 * The latency benchmark stores precomputed vectors (the model's vector of a turn plus
 * a little noise) through each system's own write path: it puts them in a
 * {@link VectorBook} first, and the shared embedder hands out the book's vector for a
 * text the book holds instead of running the model. Questions are never in the book,
 * so query embedding always runs the model.
 *
 *   import { createBuiltinEmbedder } from '../../src/recall/embedders/builtin-embedder.js';
 *   const book = new VectorBook();
 *   const shared = bookEmbedder(createBuiltinEmbedder(), book);   // mnemo: createMemory({ embedder: shared })
 *   const embeddings = new MnemoEmbeddings(shared);               // LangGraph, mem0
 */
import { Embeddings } from '@langchain/core/embeddings';
import type { Embedder } from '../../src/recall/embedders/embedder.js';

/** Vectors to return for known texts (the latency load); empty for the LoCoMo run. */
export class VectorBook {
  private readonly vectors = new Map<string, Float32Array>();

  /** Files the vector of one text (a later one for the same text wins). */
  set(text: string, vector: Float32Array): void {
    this.vectors.set(text, vector);
  }

  get(text: string): Float32Array | undefined {
    return this.vectors.get(text);
  }

  clear(): void {
    this.vectors.clear();
  }
}

/**
 * The model behind `book`: texts the book holds get its vectors, the rest go to the
 * model in one call. Same id, dimension, batch size and calibration as the model.
 *
 * @example
 * const e = bookEmbedder(createBuiltinEmbedder(), new VectorBook());
 * const [v] = await e.embed(['pushed code to Vercel']); // Float32Array(512) from the model
 */
export function bookEmbedder(model: Embedder, book: VectorBook): Embedder {
  return {
    id: model.id,
    dimension: model.dimension,
    maxBatch: model.maxBatch,
    calibration: model.calibration,
    async embed(texts, opts) {
      const out: Float32Array[] = new Array(texts.length);
      const missing: number[] = [];
      for (let i = 0; i < texts.length; i++) {
        const v = book.get(texts[i]);
        if (v) out[i] = v;
        else missing.push(i);
      }
      if (missing.length) {
        const vs = await model.embed(
          missing.map((i) => texts[i]),
          opts,
        );
        for (let j = 0; j < missing.length; j++) out[missing[j]] = vs[j];
      }
      return out;
    },
  };
}

/**
 * A LangChain `Embeddings` over an mnemo `Embedder`: documents in batches of the
 * embedder's `maxBatch`, a query in one call.
 *
 * @example
 * const embeddings = new MnemoEmbeddings(createBuiltinEmbedder());
 * const v = await embeddings.embedQuery('When did Caroline go to the LGBTQ support group?'); // number[512]
 */
export class MnemoEmbeddings extends Embeddings {
  constructor(private readonly embedder: Embedder) {
    super({});
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += this.embedder.maxBatch)
      for (const v of await this.embedder.embed(texts.slice(i, i + this.embedder.maxBatch)))
        out.push(Array.from(v));
    return out;
  }

  async embedQuery(text: string): Promise<number[]> {
    const [v] = await this.embedder.embed([text]);
    return Array.from(v);
  }
}
