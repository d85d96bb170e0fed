/**
 * The registry of the public operations: every interface derives from this one list
 * (HTTP routes and OpenAPI, the remote client, MCP tools). Adding an operation is one
 * entry in its area's `-operations.ts` (docs/conventions.md, "add an operation").
 */
import { BRAIN_OPERATIONS } from './brain-operations.js';
import { CACHE_OPERATIONS } from './cache-operations.js';
import { CONFLICTS_OPERATIONS } from './conflicts-operations.js';
import { COUNT_OPERATIONS } from './count-operations.js';
import { DECISIONS_OPERATIONS } from './decisions-operations.js';
import { EPISODES_OPERATIONS } from './episodes-operations.js';
import { FACTS_OPERATIONS } from './facts-operations.js';
import { MEMORY_OPERATIONS } from './memory-operations.js';
import { OBSERVATIONS_OPERATIONS } from './observations-operations.js';
import type { AnyOperation } from './operation.js';
import { PURGE_OPERATIONS } from './purge-operations.js';
import { SESSIONS_OPERATIONS } from './sessions-operations.js';
import { STATS_OPERATIONS } from './stats-operations.js';
import { TASKS_OPERATIONS } from './tasks-operations.js';
import { USAGE_OPERATIONS } from './usage-operations.js';

/**
 * Every public operation, area by area.
 *
 * @example
 * OPERATIONS.find((o) => o.id === 'factsGet')?.http.path // '/v1/facts/{id}'
 */
export const OPERATIONS: readonly AnyOperation[] = [
  ...MEMORY_OPERATIONS,
  ...COUNT_OPERATIONS,
  ...BRAIN_OPERATIONS,
  ...EPISODES_OPERATIONS,
  ...FACTS_OPERATIONS,
  ...DECISIONS_OPERATIONS,
  ...SESSIONS_OPERATIONS,
  ...OBSERVATIONS_OPERATIONS,
  ...CONFLICTS_OPERATIONS,
  ...CACHE_OPERATIONS,
  ...PURGE_OPERATIONS,
  ...TASKS_OPERATIONS,
  ...STATS_OPERATIONS,
  ...USAGE_OPERATIONS,
];
