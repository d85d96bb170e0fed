import type { Embedder } from './embedders/embedder.js';
import { toVectorLiteral } from './embedders/embedder.js';

/** Query embeddings kept per store (agents repeat queries). */
const QUERY_CACHE = 256;

/** A query's embedding as a pgvector literal, or null without an embedder. */
export type QueryVectors = (text: string) => Promise<string | null>;

/**
 * @internal The query embeddings of one store, the last QUERY_CACHE queries kept (least
 * recently used evicted first). One per store, shared by the store's memory and by
 * every request's memory over its tenant transaction, so a server's repeated query is
 * embedded once, not once per request. A failed embedding is not kept.
 *
 * @example
 * const vectors = queryVectors(createBuiltinEmbedder());
 * const v = await vectors('where did alice deploy?'); // '[0.01,...]'
 */
export function queryVectors(embedder: Embedder | null): QueryVectors {
  const cache = new Map<string, Promise<string>>();
  return async (text) => {
    if (!embedder) return null;
    let hit = cache.get(text);
    if (hit) {
      // Most recently used last: Map keeps insertion order.
      cache.delete(text);
      cache.set(text, hit);
      return hit;
    }
    hit = embedder.embed([text]).then(([v]) => toVectorLiteral(v));
    if (cache.size >= QUERY_CACHE) cache.delete(cache.keys().next().value as string);
    cache.set(text, hit);
    hit.catch(() => cache.delete(text));
    return hit;
  };
}
