/**
 * The LLM output cache operations: `memory.cache.stats` and `.clear` (admin) over HTTP
 * (`/v1/cache`) and the remote client. `getOrCompute` takes a function and stays in process.
 */
import { z } from 'zod';
import { cacheScopeSchema, cacheStatsSchema } from '../formation/cache-schema.js';
import { defineOperation } from './operation.js';

/**
 * Every cache operation, in the order the OpenAPI document lists them.
 *
 * @example
 * CACHE_OPERATIONS.map((o) => o.id) // ['cacheStats', 'cacheClear']
 */
export const CACHE_OPERATIONS = [
  defineOperation({
    id: 'cacheStats',
    area: 'cache',
    method: 'stats',
    access: 'read',
    input: cacheScopeSchema,
    output: cacheStatsSchema,
    http: {
      method: 'get',
      path: '/v1/cache/stats',
      summary: 'LLM output cache figures of the scope: entries, size, hit rate, cost and time saved',
      response: 'the figures',
    },
  }),
  defineOperation({
    id: 'cacheClear',
    area: 'cache',
    method: 'clear',
    access: 'admin',
    input: cacheScopeSchema,
    output: z.number().int(),
    http: {
      method: 'delete',
      path: '/v1/cache',
      summary: 'Remove every cached LLM output of the scope (admin)',
      response: 'how many outputs were removed',
      envelope: 'removed',
    },
  }),
];
