/**
 * The conflicts operations: `memory.conflicts.*` over HTTP (`/v1/conflicts`) and the
 * remote client. The detector (`afterAssert`) runs inside facts' writes and is no operation.
 */
import { z } from 'zod';
import {
  conflictIdSchema,
  conflictSchema,
  listConflictsSchema,
  resolveConflictSchema,
} from '../coordination/conflicts-schema.js';
import { defineOperation } from './operation.js';

const missing = 'no such conflict in this tenant';

/**
 * Every conflicts operation, in the order the OpenAPI document lists them.
 *
 * @example
 * CONFLICTS_OPERATIONS.map((o) => o.id) // ['conflictsList', 'conflictsGet', 'conflictsResolve']
 */
export const CONFLICTS_OPERATIONS = [
  defineOperation({
    id: 'conflictsList',
    area: 'conflicts',
    method: 'list',
    access: 'read',
    input: listConflictsSchema,
    output: z.array(conflictSchema),
    http: {
      method: 'get',
      path: '/v1/conflicts',
      summary: 'Conflicts between facts of different agents, newest first (of `user` when given)',
      response: 'the conflicts',
      envelope: 'items',
    },
  }),
  defineOperation({
    id: 'conflictsGet',
    area: 'conflicts',
    method: 'get',
    access: 'read',
    input: conflictIdSchema,
    output: conflictSchema,
    absent: { field: 'id', what: 'conflict' },
    http: {
      method: 'get',
      path: '/v1/conflicts/{id}',
      summary: 'Get a conflict with its facts',
      response: 'the conflict',
      errors: { 404: missing },
    },
  }),
  defineOperation({
    id: 'conflictsResolve',
    area: 'conflicts',
    method: 'resolve',
    access: 'write',
    input: resolveConflictSchema,
    output: conflictSchema,
    http: {
      method: 'post',
      path: '/v1/conflicts/{id}/resolve',
      summary: 'Resolve a conflict: keep one fact (the others are superseded by it) or `both`',
      response: 'the resolved conflict',
      errors: { 404: missing, 409: 'the conflict was already resolved' },
    },
  }),
];
