// LangGraph's official checkpointer conformance suite, whole (no filter), as a vitest file:
// @langchain/langgraph-checkpoint-validation is written for vitest globals, so
// test/langgraph/checkpoint-validation.test.ts runs vitest on this file, once per backend,
// and fails when any of its tests fails.
import { validate } from '@langchain/langgraph-checkpoint-validation';
import initializer from './validation-initializer.mjs';

validate(initializer);
