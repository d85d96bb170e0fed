/**
 * The purge operation: `memory.purge.purge` (admin) over HTTP (`/v1/purge`) and the remote client.
 */
import { purgeResultSchema, purgeSchema } from '../purge/purge-schema.js';
import { defineOperation } from './operation.js';

/**
 * The purge operation.
 *
 * @example
 * PURGE_OPERATIONS[0].id // 'memoryPurge'
 */
export const PURGE_OPERATIONS = [
  defineOperation({
    id: 'memoryPurge',
    area: 'purge',
    method: 'purge',
    access: 'admin',
    input: purgeSchema,
    output: purgeResultSchema,
    http: {
      method: 'post',
      path: '/v1/purge',
      summary: 'Erase for good: a user, agent or session (scope), one memory, or the whole tenant (admin)',
      description:
        'Deletes every row of the target from every table and writes an audit record (who, why, how many ' +
        'rows; never the content). An empty target is refused: say `all: true` to purge the tenant.',
      response: 'the audit id and the rows deleted per table',
    },
  }),
];
