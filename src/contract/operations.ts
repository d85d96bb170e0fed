/**
 * The registry of the public operations: every interface derives from this one list
 * (HTTP routes and OpenAPI, the remote client, MCP tools). Adding an operation is one
 * entry in its area's `-operations.ts` (docs/conventions.md, "add an operation").
 */
import { FACTS_OPERATIONS } from './facts-operations.js';
import { MEMORY_OPERATIONS } from './memory-operations.js';
import type { AnyOperation } from './operation.js';

/**
 * Every public operation, area by area.
 *
 * @example
 * OPERATIONS.find((o) => o.id === 'factsGet')?.http.path // '/v1/facts/{id}'
 */
export const OPERATIONS: readonly AnyOperation[] = [...MEMORY_OPERATIONS, ...FACTS_OPERATIONS];
