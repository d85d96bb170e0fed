/**
 * The facts operations: `memory.facts.*` over HTTP (`/v1/facts`), the remote client and MCP.
 */
import { z } from 'zod';
import {
  assertFactSchema,
  factIdSchema,
  factPageSchema,
  factSchema,
  invalidateFactSchema,
  listFactsSchema,
  supersedeFactSchema,
} from '../facts/facts-schema.js';
import { defineOperation } from './operation.js';

const missing = 'no such fact in this tenant and scope';
const absent = { field: 'id', what: 'fact' } as const;

/**
 * Every facts operation, in the order the OpenAPI document lists them.
 *
 * @example
 * FACTS_OPERATIONS.map((o) => o.id) // ['factsAssert', 'factsList', ...]
 */
export const FACTS_OPERATIONS = [
  defineOperation({
    id: 'factsAssert',
    area: 'facts',
    method: 'assert',
    access: 'write',
    input: assertFactSchema,
    output: factSchema,
    http: {
      method: 'post',
      path: '/v1/facts',
      status: 201,
      summary: 'Assert a fact (semantic) or rule (procedural)',
      response: 'the fact',
    },
    tool: {
      name: 'facts_assert',
      title: 'Assert a fact',
      description:
        'Store a piece of lasting knowledge: a fact about the user or the world, a preference, a goal, or a rule learned (kind procedural). ' +
        'Call it when you learn something that should hold across sessions. If the new fact replaces an older one, use fact_supersede instead so history is kept. ' +
        'Contradicting facts from different agents on one subject are both kept and flagged as a conflict. Returns the stored fact (id, validFrom, current, ...).',
    },
  }),
  defineOperation({
    id: 'factsList',
    area: 'facts',
    method: 'list',
    access: 'read',
    input: listFactsSchema,
    output: factPageSchema,
    http: {
      method: 'get',
      path: '/v1/facts',
      summary: 'List facts: current ones, those valid at asOf, or every version (includeHistory)',
      response: 'a page of facts',
    },
    tool: {
      name: 'facts_list',
      title: 'List facts',
      description:
        'List facts: the current ones by default, those valid at a past moment (asOf), or every version (includeHistory), filtered by kind, category, subject or tag. ' +
        'Use it to review what is known about a subject (recall searches by meaning instead). Returns { items: [fact], nextCursor }.',
    },
  }),
  defineOperation({
    id: 'factsGet',
    area: 'facts',
    method: 'get',
    access: 'read',
    input: factIdSchema,
    output: factSchema,
    absent,
    http: {
      method: 'get',
      path: '/v1/facts/{id}',
      summary: 'Get a fact (any version)',
      response: 'the fact',
      errors: { 404: missing },
    },
  }),
  defineOperation({
    id: 'factsChain',
    area: 'facts',
    method: 'chain',
    access: 'read',
    input: factIdSchema,
    output: z.array(factSchema),
    http: {
      method: 'get',
      path: '/v1/facts/{id}/chain',
      summary: 'Every version of a fact, oldest first (what it replaced and what replaced it)',
      response: 'the versions',
      errors: { 404: missing },
      envelope: 'items',
    },
  }),
  defineOperation({
    id: 'factsSupersede',
    area: 'facts',
    method: 'supersede',
    access: 'write',
    input: supersedeFactSchema,
    output: z.object({ old: factSchema, new: factSchema }),
    http: {
      method: 'post',
      path: '/v1/facts/{id}/supersede',
      summary: 'Replace a current fact by a new version (the old one stays, valid until now)',
      response: 'the old version (closed) and the new one',
      errors: { 404: missing, 409: 'the fact is no longer current' },
    },
    tool: {
      name: 'fact_supersede',
      title: 'Replace a fact',
      description:
        'Replace a current fact by a new version (the user changed their mind, a value changed): the old one stays in history with validTo set and points to the new one. ' +
        'Call it instead of facts_assert when the new knowledge contradicts or updates a known fact (find its id with recall or facts_list). Returns { old, new }.',
    },
  }),
  defineOperation({
    id: 'factsInvalidate',
    area: 'facts',
    method: 'invalidate',
    access: 'write',
    input: invalidateFactSchema,
    output: factSchema,
    http: {
      method: 'post',
      path: '/v1/facts/{id}/invalidate',
      summary: 'Mark a current fact as no longer true (kept in history)',
      response: 'the fact, closed',
      errors: { 404: missing, 409: 'the fact is no longer current' },
      bodyOptional: true,
    },
    tool: {
      name: 'fact_invalidate',
      title: 'Invalidate a fact',
      description:
        'Mark a current fact as no longer true, without a replacement (it stays in history). Returns the closed fact.',
      hints: { destructive: true },
    },
  }),
];
