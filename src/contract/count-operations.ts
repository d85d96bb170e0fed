/**
 * `memory.count` over HTTP (`GET /v1/count`), the remote client and MCP (`counts_get`).
 */
import { countSchema, memoryCountsSchema } from '../recall/count-schema.js';
import { defineOperation } from './operation.js';

/**
 * The count operation.
 *
 * @example
 * COUNT_OPERATIONS[0].http.path // '/v1/count'
 */
export const COUNT_OPERATIONS = [
  defineOperation({
    id: 'memoryCount',
    method: 'count',
    access: 'read',
    input: countSchema,
    output: memoryCountsSchema,
    http: {
      method: 'get',
      path: '/v1/count',
      summary: 'How many memories of each kind the scope holds (as recall sees them)',
      response: 'the counts per kind and their total',
      // `agent` is the filter (memories this agent wrote), not a scope part.
      scopeQuery: ['user', 'session'],
    },
    tool: {
      name: 'counts_get',
      title: 'Count memories',
      description:
        'How much is remembered in this scope: the number of episodes, current facts, brain keys and decisions. ' +
        'Call it to see whether there is anything to recall before searching. Returns { counts: { episode, fact, brain, decision }, total }.',
    },
  }),
];
