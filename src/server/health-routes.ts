import { createRoute, z } from '@hono/zod-openapi';
import type { LocalMemory } from '../memory.js';
import type { MnemoApp } from './server-types.js';

/**
 * Shared with `serve`: once draining, /readyz answers 503 so load balancers stop sending.
 *
 * @example
 * const lifecycle: Lifecycle = { draining: false }; // serve() sets true on shutdown
 */
export interface Lifecycle {
  draining: boolean;
}

const statusSchema = z.object({ status: z.string(), reason: z.string().optional() }).openapi('Health');

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  operationId: 'healthLive',
  tags: ['health'],
  summary: 'The process is up',
  security: [],
  responses: { 200: { description: 'up', content: { 'application/json': { schema: statusSchema } } } },
});

const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  operationId: 'healthReady',
  tags: ['health'],
  summary: 'The store answers and the server is not shutting down',
  security: [],
  responses: {
    200: { description: 'ready', content: { 'application/json': { schema: statusSchema } } },
    503: {
      description: 'store unreachable, or draining',
      content: { 'application/json': { schema: statusSchema } },
    },
  },
});

/**
 * `/healthz` (process up) and `/readyz` (store answers `select 1`; 503 otherwise or
 * while shutting down). Neither needs a key.
 *
 * @example
 * registerHealthRoutes(app, { memory, lifecycle: { draining: false } });
 */
export function registerHealthRoutes(
  app: MnemoApp,
  deps: { memory: LocalMemory; lifecycle: Lifecycle },
): void {
  app.openapi(healthz, (c) => c.json({ status: 'ok' }, 200));
  app.openapi(readyz, async (c) => {
    if (deps.lifecycle.draining) return c.json({ status: 'unavailable', reason: 'shutting down' }, 503);
    try {
      await deps.memory.db.query('select 1');
      return c.json({ status: 'ready' }, 200);
    } catch {
      return c.json({ status: 'unavailable', reason: 'the store does not answer' }, 503);
    }
  });
}
