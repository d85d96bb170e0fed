/**
 * mnemo itself (this repository's `createMemory` on a scratch PostgreSQL database, the
 * shared built-in embedder, no LLM) for the peer benchmark's latency run, behind the
 * same `Peer` interface as the other systems: `episodes.appendMany` in batches, each
 * followed by `flush()` (the indexer embeds the new rows), and `mem.recall` with its
 * default (hybrid) ranking. The LoCoMo run calls `runLocomo` on the memory directly.
 *
 *   const { mem, peer } = await openMnemo(db.url, sharedEmbedder);
 *   await peer.add('u1', [{ content: 'Caroline: ...', session: '0' }]);
 *   const ids = await peer.search('u1', 'What did Caroline research?', 10, 'recall');
 */

import type { LocalMemory } from '../../src/memory.js';
import { createMemory } from '../../src/memory.js';
import type { Embedder } from '../../src/recall/embedders/embedder.js';
import type { Doc, Peer } from './peer.js';

/** Episodes per `appendMany` call (and per `flush`) in the latency load. */
const BATCH = 2000;

/** A text with what mnemo also stores of it (bench/recall-latency.ts stores the same). */
export interface MnemoDoc extends Doc {
  session?: string;
  occurredAt?: Date;
}

/**
 * Opens mnemo on `url` with `embedder`; returns the memory (for `runLocomo`) and the peer.
 *
 * @example
 * const { mem, peer } = await openMnemo('postgres://postgres@127.0.0.1:5432/peers_mnemo_x', embedder);
 */
export async function openMnemo(url: string, embedder: Embedder): Promise<{ mem: LocalMemory; peer: Peer }> {
  const mem = await createMemory({ databaseUrl: url, embedder, llm: null });
  const scopeOf = (scope: string) => ({ tenant: 'bench', user: scope });
  const peer: Peer = {
    system: 'mnemo',
    modes: ['recall'],
    describe: () => 'mnemo (this repository) mem.recall, default (hybrid) ranking',
    async add(scope: string, docs: MnemoDoc[]): Promise<void> {
      for (let i = 0; i < docs.length; i += BATCH) {
        await mem.episodes.appendMany({
          scope: scopeOf(scope),
          episodes: docs.slice(i, i + BATCH).map((d) => ({
            content: d.content,
            role: 'user',
            ...(d.session !== undefined ? { session: d.session } : {}),
            ...(d.occurredAt ? { occurredAt: d.occurredAt } : {}),
          })),
        });
        await mem.flush();
      }
    },
    async search(scope: string, query: string, k: number): Promise<string[]> {
      const { items } = await mem.recall({ scope: scopeOf(scope), query, k });
      return items.map((i) => i.id);
    },
    close: () => mem.close(),
  };
  return { mem, peer };
}
