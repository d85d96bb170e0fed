// The CheckpointerTestInitializer that @langchain/langgraph-checkpoint-validation's runner
// imports (test/langgraph/checkpoint-validation.test.ts spawns it): the built saver on the
// backend named by MNEMO_LG_DATABASE_URL (a postgres:// URL, or memory: for PGlite). Each
// checkpointer the suite creates gets a tenant of its own, so instances never see each
// other's threads, as the suite requires, without clearing anything.
import { randomUUID } from 'node:crypto';
import { createMemory } from '../../dist/index.js';
import { MnemoCheckpointSaver } from '../../dist/langgraph/index.js';

let memory;

export default {
  checkpointerName: `MnemoCheckpointSaver (${process.env.MNEMO_LG_BACKEND})`,
  beforeAllTimeout: 60_000,
  async beforeAll() {
    memory = await createMemory({
      databaseUrl: process.env.MNEMO_LG_DATABASE_URL,
      embedder: null,
      llm: null,
      indexer: false,
    });
  },
  async afterAll() {
    await memory?.close();
  },
  createCheckpointer() {
    return new MnemoCheckpointSaver({ memory, tenant: `lgv-${randomUUID()}` });
  },
};
