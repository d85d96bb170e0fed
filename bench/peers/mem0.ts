/**
 * mem0 OSS (package `mem0ai`, entry `mem0ai/oss`) as a peer: its `Memory` with the
 * `pgvector` vector store on a scratch database, a user id per scope, `infer: false`
 * (each message is stored as it is: no LLM extracts facts), no history store, and the
 * shared built-in model through mem0's `langchain` embedder provider (a LangChain
 * `Embeddings` instance in `embedder.config.model`). mem0 embeds a stored text and a
 * query with `embedQuery`, and the entities it finds in a query with `embedDocuments`.
 *
 * One mode, `search`: `Memory.search(query, { filters: { user_id }, topK })`, mem0's
 * only search: the top max(4k, 60) rows by cosine similarity, boosted by a BM25-like
 * `ts_rank_cd` on its own stemmed text and by entity matches, with its default
 * threshold (0.1) on the cosine score.
 *
 * Nothing leaves the machine: telemetry is off (`MEM0_TELEMETRY=false`, read when the
 * module loads, so it is imported only here), mem0's local state file goes to a
 * temporary folder (`MEM0_DIR`) instead of ~/.mem0, and the configured LLM is a
 * LangChain-shaped stand-in that throws if anything calls it (nothing does with
 * `infer: false`).
 *
 *   const peer = await openMem0(db.url, embeddings, '3.3.1', { hnsw: false });
 *   await peer.add('locomo-26', [{ id: '26/D1:3', content: 'Caroline: ...' }]);
 *   const ids = await peer.search('locomo-26', 'What did Caroline research?', 10, 'search');
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Embeddings } from '@langchain/core/embeddings';
// Types only (erased): the module itself loads in openMem0, after MEM0_TELEMETRY is set.
import type { Memory as Mem0Memory } from 'mem0ai/oss';
import type { Doc, Peer } from './peer.js';

/** Messages per `add()` call when the texts need no ids of their own (the latency load). */
const BATCH = 1000;

/** The configured LLM: present because mem0 requires one, fatal if it is ever called. */
const noLlm = {
  model: 'none',
  invoke: async (): Promise<never> => {
    throw new Error('mem0 called its LLM: with infer: false neither add() nor search() may');
  },
};

interface Closable {
  close(): Promise<void>;
}

/**
 * Opens a mem0 `Memory` on `url` (an empty database: mem0 creates the pgvector extension
 * and its `memories` table; `hnsw` adds its optional HNSW index).
 *
 * @example
 * const peer = await openMem0('postgres://postgres@127.0.0.1:5432/peers_mem0_x', embeddings, '3.3.1', { hnsw: false });
 */
export async function openMem0(
  url: string,
  embeddings: Embeddings,
  version: string,
  opts: { hnsw: boolean },
): Promise<Peer> {
  const stateDir = mkdtempSync(join(tmpdir(), 'peers-mem0-'));
  process.env.MEM0_TELEMETRY = 'false';
  process.env.MEM0_DIR = stateDir;
  let memory: Mem0Memory;
  try {
    const { Memory } = await import('mem0ai/oss');
    memory = new Memory({
      embedder: { provider: 'langchain', config: { model: embeddings } },
      vectorStore: {
        provider: 'pgvector',
        config: {
          connectionString: url,
          collectionName: 'memories',
          dimension: 512,
          embeddingModelDims: 512,
          hnsw: opts.hnsw,
        },
      },
      llm: { provider: 'langchain', config: { model: noLlm } },
      disableHistory: true,
    });
  } catch (e) {
    rmSync(stateDir, { recursive: true, force: true });
    throw e;
  }
  return {
    system: 'mem0',
    modes: ['search'],
    describe: () =>
      `mem0ai ${version} (mem0ai/oss) Memory.search, pgvector${opts.hnsw ? ' + HNSW' : ''}, infer: false`,
    async add(scope: string, docs: Doc[]): Promise<void> {
      // One metadata object per add() call: texts with ids go one call each.
      if (docs.every((d) => d.id !== undefined)) {
        for (const d of docs)
          await memory.add([{ role: 'user', content: d.content }], {
            userId: scope,
            infer: false,
            metadata: { turn: d.id },
          });
        return;
      }
      for (let i = 0; i < docs.length; i += BATCH)
        await memory.add(
          docs.slice(i, i + BATCH).map((d) => ({ role: 'user', content: d.content })),
          { userId: scope, infer: false },
        );
    },
    async search(scope: string, query: string, k: number): Promise<string[]> {
      const { results } = await memory.search(query, { filters: { user_id: scope }, topK: k });
      return results.map((r) => String(r.metadata?.turn ?? r.id));
    },
    async close(): Promise<void> {
      // Memory has no close(): end the connections of its vector stores (private fields).
      const internals = memory as unknown as { vectorStore?: Closable; _entityStore?: Closable };
      await internals.vectorStore?.close();
      await internals._entityStore?.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
