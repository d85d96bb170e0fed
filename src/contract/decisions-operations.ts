/**
 * The decisions operations: `memory.decisions.*` over HTTP (`/v1/decisions`), the remote client and MCP.
 */
import { z } from 'zod';
import {
  decisionGetSchema,
  decisionLessonsSchema,
  decisionListSchema,
  decisionRecordSchema,
  decisionResolveSchema,
  decisionSchema,
} from '../decisions/decisions-schema.js';
import { defineOperation } from './operation.js';

const missing = 'no such decision in this tenant';

/**
 * Every decisions operation, in the order the OpenAPI document lists them (`lessons`
 * before `get`, so `/v1/decisions/lessons` is not read as the id "lessons").
 *
 * @example
 * DECISIONS_OPERATIONS.map((o) => o.id) // ['decisionsRecord', 'decisionsList', 'decisionsLessons', ...]
 */
export const DECISIONS_OPERATIONS = [
  defineOperation({
    id: 'decisionsRecord',
    area: 'decisions',
    method: 'record',
    access: 'write',
    input: decisionRecordSchema,
    output: decisionSchema,
    http: {
      method: 'post',
      path: '/v1/decisions',
      status: 201,
      summary: 'Record a decision: context, alternatives, what was chosen and why (pending until resolved)',
      response: 'the decision',
    },
    tool: {
      name: 'decision_record',
      title: 'Record a decision',
      description:
        'Record a decision you are making: the situation, the options considered, the one chosen and why. ' +
        'Call it for choices worth learning from (an approach, a tool, a fix); resolve it later with decision_resolve once the outcome is known. ' +
        'Returns the pending decision (keep its id).',
    },
  }),
  defineOperation({
    id: 'decisionsList',
    area: 'decisions',
    method: 'list',
    access: 'read',
    input: decisionListSchema,
    output: z.array(decisionSchema),
    http: {
      method: 'get',
      path: '/v1/decisions',
      summary: 'Decisions of the scope, newest first (best text match first with `text`)',
      response: 'the decisions',
      envelope: 'items',
    },
    tool: {
      name: 'decisions_list',
      title: 'List decisions',
      description:
        'List decisions, newest first (best match first with text), by status or subject. ' +
        'Call it before a similar choice to learn from what worked (lessons_list gives only the lessons learned). Returns { items: [decision] }.',
    },
  }),
  defineOperation({
    id: 'decisionsLessons',
    area: 'decisions',
    method: 'lessons',
    access: 'read',
    input: decisionLessonsSchema,
    output: z.array(decisionSchema),
    http: {
      method: 'get',
      path: '/v1/decisions/lessons',
      summary: 'Resolved decisions that carry lessons, most recently resolved first',
      response: 'the decisions with lessons',
      envelope: 'items',
    },
    tool: {
      name: 'lessons_list',
      title: 'Lessons of past decisions',
      description:
        'List resolved decisions that carry lessons, most recently resolved first, by subject or words. ' +
        'Call it before a similar choice to learn from what worked and what failed. Returns { items: [decision] }.',
    },
  }),
  defineOperation({
    id: 'decisionsGet',
    area: 'decisions',
    method: 'get',
    access: 'read',
    input: decisionGetSchema,
    output: decisionSchema,
    absent: { field: 'id', what: 'decision' },
    http: {
      method: 'get',
      path: '/v1/decisions/{id}',
      summary: 'Get a decision',
      response: 'the decision',
      errors: { 404: missing },
    },
  }),
  defineOperation({
    id: 'decisionsResolve',
    area: 'decisions',
    method: 'resolve',
    access: 'write',
    input: decisionResolveSchema,
    output: decisionSchema,
    http: {
      method: 'post',
      path: '/v1/decisions/{id}/resolve',
      summary: 'Resolve a pending decision with its outcome and lessons (once)',
      response: 'the resolved decision',
      errors: { 404: missing, 409: 'the decision was already resolved' },
    },
    tool: {
      name: 'decision_resolve',
      title: 'Record the outcome of a decision',
      description:
        'Record how a pending decision turned out (success, partial or failure), what happened and the lesson learned, so later decisions can learn from it. ' +
        'Returns the resolved decision; a decision can be resolved once.',
    },
  }),
];
