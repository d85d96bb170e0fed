/**
 * What the peer benchmark asks of each system (store texts in a scope, search a scope),
 * and the bridge that runs a peer through mnemo's own LoCoMo protocol.
 *
 * The LoCoMo run reuses `runLocomo` of src/bench/locomo-bench.ts unchanged: the same
 * loop over conversations and questions, the same evidence recall@k, the same means per
 * category and the same p50/p95 around the search call. `locomoTarget` presents a peer
 * as the part of a `LocalMemory` that `runLocomo` calls:
 *
 * - `episodes.appendMany` of one conversation stores its turns with `peer.add`, each
 *   with the id `<conversation>/<dia_id>`, which the peer keeps in the stored item
 *   (LangGraph: the item key; mem0: the memory's metadata) and reads back from every
 *   search hit; that id is what `runLocomo` maps back to the turn.
 * - `recall` without weights is the timed call: it runs `peer.search` in this row's
 *   mode. `runLocomo` then asks for a text-only ranking (weights given), a mnemo
 *   weighting no peer has: it is answered with nothing and the figures of it ignored.
 * - `embedder` is null, so `runLocomo` asks no third (vector-only) ranking.
 *
 *   const loaded = new Set<string>();
 *   const report = await runLocomo(locomoTarget(peer, 'vector', conversations, loaded), conversations, [5, 10, 20]);
 *   // report.hybrid holds the row's recall@k (the unweighted call's), report.p50Ms / p95Ms its latency
 */
import type { loadLocomo } from '../../src/bench/locomo-bench.js';
import type { LocalMemory } from '../../src/memory.js';

/** One LoCoMo conversation as `loadLocomo` returns it. */
export type Conversation = ReturnType<typeof loadLocomo>[number];

/** A text to store; `id` (when given) comes back from `search`. */
export interface Doc {
  content: string;
  id?: string;
}

/** A system under test, on its own scratch database. */
export interface Peer {
  /** `mnemo`, `langgraph`, `mem0`. */
  readonly system: string;
  /** Its search modes: one result row each. */
  readonly modes: readonly string[];
  /** What the row is, for the table: package and version, and what each mode calls. */
  readonly describe: (mode: string) => string;
  /** Stores texts in one scope through the system's own (bulk) write API. */
  add(scope: string, docs: Doc[]): Promise<void>;
  /** The ids of the top `k` texts of `scope` for `query` (query embedding included). */
  search(scope: string, query: string, k: number, mode: string): Promise<string[]>;
  close(): Promise<void>;
}

/** The scope of one LoCoMo conversation (a LangGraph namespace, a mem0 user id). */
export function locomoScope(conversation: string): string {
  return `locomo-${conversation}`;
}

interface AppendManyInput {
  scope: { user?: string };
  episodes: { content: string }[];
}

interface RecallInput {
  scope: { user?: string };
  query: string;
  k?: number;
  weights?: unknown;
}

/**
 * A peer as the `LocalMemory` subset `runLocomo` uses, searching in `mode`. `loaded`
 * names the conversations already stored, so a second mode over the same store does not
 * store them again.
 *
 * @example
 * const report = await runLocomo(locomoTarget(peer, 'hybrid', conversations, loaded), conversations, ks);
 */
export function locomoTarget(
  peer: Peer,
  mode: string,
  conversations: Conversation[],
  loaded: Set<string>,
): LocalMemory {
  const byName = new Map(conversations.map((c) => [c.name, c]));
  const target = {
    embedder: null,
    episodes: {
      async appendMany(input: AppendManyInput): Promise<{ id: string }[]> {
        const c = byName.get(input.scope.user ?? '');
        // The turns are matched by position: fail loudly if runLocomo ever stores anything else.
        if (
          !c ||
          c.turns.length !== input.episodes.length ||
          c.turns.some((t, i) => t.content !== input.episodes[i].content)
        )
          throw new Error('runLocomo stored episodes that are not the turns of one conversation in order');
        const ids = c.turns.map((t) => `${c.name}/${t.dia}`);
        if (!loaded.has(c.name)) {
          await peer.add(
            locomoScope(c.name),
            c.turns.map((t, i) => ({ id: ids[i], content: t.content })),
          );
          loaded.add(c.name);
        }
        return ids.map((id) => ({ id }));
      },
    },
    async flush(): Promise<void> {},
    async recall(input: RecallInput): Promise<{ items: { id: string }[] }> {
      if (input.weights !== undefined) return { items: [] };
      const ids = await peer.search(locomoScope(input.scope.user ?? ''), input.query, input.k ?? 10, mode);
      return { items: ids.map((id) => ({ id })) };
    },
  };
  return target as unknown as LocalMemory;
}
