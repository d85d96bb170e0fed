/**
 * The registry of the public operations: every interface derives from this one list
 * (HTTP routes and OpenAPI, the remote client, MCP tools). Adding an operation is one
 * entry in its area's `-operations.ts` (docs/conventions.md, "add an operation").
 */
import { DECISIONS_OPERATIONS } from './decisions-operations.js';
import { EPISODES_OPERATIONS } from './episodes-operations.js';
import { FACTS_OPERATIONS } from './facts-operations.js';
import type { AnyOperation } from './operation.js';

/**
 * Every public operation, area by area.
 *
 * @example
 * OPERATIONS.find((o) => o.id === 'factsGet')?.http.path // '/v1/facts/{id}'
 */
export const OPERATIONS: readonly AnyOperation[] = [
  ...EPISODES_OPERATIONS,
  ...FACTS_OPERATIONS,
  ...DECISIONS_OPERATIONS,
];
