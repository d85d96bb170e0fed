// LangGraph's official checkpointer conformance suite, whole (no filter), as a vitest file,
// once per backend named in MNEMO_LG_BACKENDS (JSON: [[name, databaseUrl], ...]), one after
// the other in this one process: @langchain/langgraph-checkpoint-validation is written for
// vitest globals, so test/langgraph/checkpoint-validation.test.ts runs vitest on this file
// and fails when any of its tests fails.
import { validate } from '@langchain/langgraph-checkpoint-validation';
import { initializerFor } from './validation-initializer.mjs';

const backends = JSON.parse(process.env.MNEMO_LG_BACKENDS ?? '[]');
if (backends.length === 0) throw new Error('MNEMO_LG_BACKENDS names no backend');
for (const [name, url] of backends) describe(name, () => validate(initializerFor(name, url)));
