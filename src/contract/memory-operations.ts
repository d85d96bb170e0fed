/**
 * The operations of the memory itself (`memory.recall`, `memory.context`,
 * `memory.remember`, `memory.ingest`, `memory.consolidate`): over HTTP, the remote
 * client and, for recall, context and remember, MCP with a text rendering for the model.
 */
import { consolidateSchema, consolidationResultSchema } from '../formation/consolidation-schema.js';
import { ingestResultSchema, ingestSchema } from '../formation/ingest-schema.js';
import type { Remembered } from '../formation/remember-schema.js';
import { rememberedSchema, rememberSchema } from '../formation/remember-schema.js';
import type { ContextResult } from '../recall/context-schema.js';
import { contextResultSchema, contextSchema } from '../recall/context-schema.js';
import type { RecallResult } from '../recall/recall-schema.js';
import { recallResultSchema, recallSchema } from '../recall/recall-schema.js';
import { renderContext, renderRecall, renderRemembered } from './memory-render.js';
import { defineOperation } from './operation.js';

/**
 * Every operation of the memory itself, in the order the OpenAPI document lists them.
 *
 * @example
 * MEMORY_OPERATIONS.map((o) => o.id) // ['memoryRecall', 'memoryContext', 'memoryRemember', ...]
 */
export const MEMORY_OPERATIONS = [
  defineOperation({
    id: 'memoryRecall',
    method: 'recall',
    access: 'read',
    input: recallSchema,
    output: recallResultSchema,
    http: {
      method: 'post',
      path: '/v1/recall',
      tag: 'recall',
      summary:
        'Recall: the memories (episodes, facts, decisions, brain keys) that best match a query, ranked',
      description:
        'One round trip: full text and embeddings fused, then recency, importance and confidence; filters, a ' +
        'minimum score, diversity (MMR) and neighbouring turns on request. `explain: true` adds each score.',
      response: 'the ranked memories',
    },
    tool: {
      name: 'recall',
      title: 'Recall memories',
      description:
        'Search all memory (episodes, facts, brain keys, decisions) by meaning and by words, ranked by relevance, recency and importance. ' +
        'Call it before answering or acting when past context may matter. Returns one line per memory, best first: kind, id, date, content, score.',
      omit: ['weights'],
      render: (r) => renderRecall(r as RecallResult),
    },
  }),
  defineOperation({
    id: 'memoryContext',
    method: 'context',
    access: 'read',
    input: contextSchema,
    output: contextResultSchema,
    http: {
      method: 'post',
      path: '/v1/context',
      tag: 'recall',
      summary: 'The block an agent injects at the start of a turn, within a token budget',
      response: 'the context block and what went into it',
    },
    tool: {
      name: 'context',
      title: 'Build context for this turn',
      description:
        'Build the memory block to read at the start of a turn: directives, relevant facts and episodes, recent events, identity keys, within a token budget. ' +
        'Call it once per conversation or task, with the user message or task as query. Returns the block as text.',
      render: (r) => renderContext(r as ContextResult),
    },
  }),
  defineOperation({
    id: 'memoryRemember',
    method: 'remember',
    access: 'write',
    input: rememberSchema,
    output: rememberedSchema,
    http: {
      method: 'post',
      path: '/v1/remember',
      status: 201,
      tag: 'formation',
      summary: 'Remember at once: text (kept as a fact), a fact, or an episode',
      response: 'what was stored',
    },
    tool: {
      name: 'remember',
      title: 'Remember a fact',
      description:
        'Store at once, in plain words, something worth knowing later: a fact, preference, goal or rule (kept as a current fact that recall and context bring back). ' +
        'To update a known fact use fact_supersede; to log what happened use episodes_append. Returns the stored fact and its id.',
      omit: ['fact', 'episode'],
      render: (r) => renderRemembered(r as Remembered),
    },
  }),
  defineOperation({
    id: 'memoryIngest',
    method: 'ingest',
    access: 'write',
    input: ingestSchema,
    output: ingestResultSchema,
    http: {
      method: 'post',
      path: '/v1/ingest',
      status: 201,
      tag: 'formation',
      summary: 'Store a conversation as episodes now; fact extraction is queued when an LLM is configured',
      response: 'the stored turns, in message order, and what happens to extraction',
    },
  }),
  defineOperation({
    id: 'memoryConsolidate',
    method: 'consolidate',
    access: 'write',
    input: consolidateSchema,
    output: consolidationResultSchema,
    http: {
      method: 'post',
      path: '/v1/consolidate',
      tag: 'formation',
      summary: 'Summarise and archive old episodes (with an LLM) and merge duplicate facts, now',
      response: 'what was done',
      bodyOptional: true,
    },
  }),
];
