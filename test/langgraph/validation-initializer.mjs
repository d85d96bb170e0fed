// CheckpointerTestInitializers for @langchain/langgraph-checkpoint-validation: the built
// saver on one backend (a postgres:// URL, or memory: for PGlite). Each checkpointer the
// suite creates gets a tenant of its own, so instances never see each other's threads, as
// the suite requires, without clearing anything.
import { randomUUID } from 'node:crypto';
import { createMemory } from '../../dist/index.js';
import { MnemoCheckpointSaver } from '../../dist/langgraph/index.js';

/** The initializer of the saver on the store at `databaseUrl`, named after `backend`. */
export function initializerFor(backend, databaseUrl) {
  let memory;
  return {
    checkpointerName: `MnemoCheckpointSaver (${backend})`,
    beforeAllTimeout: 60_000,
    async beforeAll() {
      memory = await createMemory({ databaseUrl, embedder: null, llm: null, indexer: false });
    },
    async afterAll() {
      await memory?.close();
    },
    createCheckpointer() {
      return new MnemoCheckpointSaver({ memory, tenant: `lgv-${randomUUID()}` });
    },
  };
}
