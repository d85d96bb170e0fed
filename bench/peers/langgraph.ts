/**
 * LangGraph.js `PostgresStore` (package `@langchain/langgraph-checkpoint-postgres`,
 * export `./store`) as a peer: a namespace `[<scope>, 'turns']` per scope, one item per
 * text with value `{ content }` and the text's id as the item key, and the store's
 * semantic index (`index: { dims: 512, embed, fields: ['content'] }`) embedding the
 * `content` field with the shared built-in model (a LangChain `Embeddings`, which the
 * store calls through `embedDocuments` on put and `embedQuery` on search).
 *
 * Two modes, both the store's public `search(namespacePrefix, { query, limit, mode })`:
 * - `vector`: cosine similarity over `store_vectors` (the store's default with an index);
 * - `hybrid`: the store's own mix, 0.7 * cosine similarity + 0.3 * PostgreSQL `ts_rank`
 *   of the item's JSON value (its default `vectorWeight`; English text search config).
 * Writes go through `store.batch()` of put operations (its bulk API; the store runs
 * them one after another, each put embedding its item).
 *
 *   const peer = await openLangGraph(db.url, embeddings);
 *   await peer.add('locomo-26', [{ id: '26/D1:3', content: 'Caroline: ...' }]);
 *   const ids = await peer.search('locomo-26', 'What did Caroline research?', 10, 'hybrid');
 */
import type { Embeddings } from '@langchain/core/embeddings';
import type { PutOperation } from '@langchain/langgraph-checkpoint';
import { PostgresStore } from '@langchain/langgraph-checkpoint-postgres/store';
import type { Doc, Peer } from './peer.js';

/** Puts per `store.batch()` call. */
const BATCH = 500;

/**
 * Opens a `PostgresStore` on `url` (an empty database; the store creates its tables,
 * the pgvector extension and its HNSW index) with the shared embeddings.
 *
 * @example
 * const peer = await openLangGraph('postgres://postgres@127.0.0.1:5432/peers_langgraph_x', embeddings);
 */
export async function openLangGraph(url: string, embeddings: Embeddings, version: string): Promise<Peer> {
  const store = new PostgresStore({
    connectionOptions: url,
    index: { dims: 512, embed: embeddings, fields: ['content'] },
  });
  await store.setup();
  const namespace = (scope: string) => [scope, 'turns'];
  let serial = 0;
  return {
    system: 'langgraph',
    modes: ['vector', 'hybrid'],
    describe: (mode) =>
      `@langchain/langgraph-checkpoint-postgres ${version} PostgresStore.search mode "${mode}"`,
    async add(scope: string, docs: Doc[]): Promise<void> {
      for (let i = 0; i < docs.length; i += BATCH) {
        const ops: PutOperation[] = docs.slice(i, i + BATCH).map((d) => ({
          namespace: namespace(scope),
          key: d.id ?? `m${serial++}`,
          value: { content: d.content },
        }));
        await store.batch(ops);
      }
    },
    async search(scope: string, query: string, k: number, mode: string): Promise<string[]> {
      const items = await store.search(namespace(scope), {
        query,
        limit: k,
        mode: mode as 'vector' | 'hybrid',
      });
      return items.map((item) => item.key);
    },
    close: () => store.stop(),
  };
}
