/**
 * mnemo: persistent memory and coordination for AI agents, on PostgreSQL.
 *
 * @example
 * import { createMemory } from 'mnemo';
 * const mem = await createMemory();
 */
export { type Clock, fixedClock, systemClock } from './clock.js';
export { DEFAULT_DATA_DIR, ENVIRONMENT, type LocationOptions, resolveLocation } from './config.js';
export type { Db, Dialect, QueryResult, StoreLocation } from './db/db.js';
export { migrate } from './db/migrate.js';
export { openStore } from './db/open.js';
export * from './errors.js';
export { createMemory, type Memory, type MemoryOptions } from './memory.js';
export type { ResolvedScope, Scope } from './scope.js';
