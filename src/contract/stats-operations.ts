/**
 * `memory.stats` over HTTP (`GET /v1/stats`, admin keys only) and the remote client.
 * Not an MCP tool: it is for whoever runs the store, not for a model.
 */
import { statsReportSchema, statsSchema } from '../stats/stats-schema.js';
import { defineOperation } from './operation.js';

/**
 * The stats operation.
 *
 * @example
 * STATS_OPERATIONS[0].http.path // '/v1/stats'
 */
export const STATS_OPERATIONS = [
  defineOperation({
    id: 'memoryStats',
    method: 'stats',
    access: 'admin',
    input: statsSchema,
    output: statsReportSchema,
    http: {
      method: 'get',
      path: '/v1/stats',
      summary: 'Store statistics and alert thresholds crossed (admin)',
      description:
        "Rows, growth, embedding backlog, task queues and LLM cache of the key's tenant; sizes, buffer cache hit " +
        'ratio, connections and slow statements of the whole database; the figures this engine cannot give, and ' +
        'a warning for each threshold crossed (docs/operations.md, "Stats").',
      response: 'the report',
      // The report is the tenant's (from the key) and the database's: no user, agent or session.
      scopeQuery: [],
    },
  }),
];
