/**
 * mnemo for LangGraph.js: a `BaseStore` whose items are mnemo memories and a
 * `BaseCheckpointSaver` on mnemo's database. Needs `@langchain/langgraph-checkpoint`
 * (and `@langchain/core`), which `@langchain/langgraph` brings. docs/integrations.md.
 *
 * @example
 * import { MnemoCheckpointSaver, MnemoStore } from 'mnemo/langgraph';
 * const mem = await createMemory();
 * const graph = builder.compile({
 *   store: new MnemoStore({ memory: mem, scope: { user: 'alice' } }),
 *   checkpointer: new MnemoCheckpointSaver({ memory: mem }),
 * });
 */
export { MnemoCheckpointSaver, type MnemoCheckpointSaverOptions } from './checkpoint-saver.js';
export { MnemoStore, type MnemoStoreOptions, STORE_CATEGORY } from './mnemo-store.js';
