import { createRoute, z } from '@hono/zod-openapi';
import { requireScope } from '../auth-middleware.js';
import { commonErrorResponses } from '../error-handler.js';
import type { RouteRegistrar } from '../server-types.js';
import { json, routeHook, scopeOf, scopeQuery } from './route-helpers.js';
import { cacheStatsWire } from './wire-schemas.js';

const tags = ['cache'];

const statsRoute = createRoute({
  method: 'get',
  path: '/v1/cache/stats',
  operationId: 'cacheStats',
  tags,
  summary: 'LLM output cache figures of the scope: entries, size, hit rate, cost and time saved',
  request: { query: scopeQuery },
  responses: { 200: json(cacheStatsWire, 'the figures'), ...commonErrorResponses },
});

const clearRoute = createRoute({
  method: 'delete',
  path: '/v1/cache',
  operationId: 'cacheClear',
  tags,
  summary: 'Remove every cached LLM output of the scope (admin)',
  middleware: [requireScope('admin')],
  request: { query: scopeQuery },
  responses: {
    200: json(z.object({ removed: z.number().int() }), 'how many outputs were removed'),
    ...commonErrorResponses,
  },
});

/**
 * The LLM output cache over HTTP: `GET /v1/cache/stats`, `DELETE /v1/cache` (admin scope).
 *
 * @example
 * // curl $URL/v1/cache/stats
 * registerCacheRoutes(app, deps);
 */
export const registerCacheRoutes: RouteRegistrar = (app, { memory }) => {
  app.openapi(
    statsRoute,
    async (c) => c.json(await memory.cache.stats({ scope: scopeOf(c, c.req.valid('query')) }), 200),
    routeHook,
  );

  app.openapi(
    clearRoute,
    async (c) =>
      c.json({ removed: await memory.cache.clear({ scope: scopeOf(c, c.req.valid('query')) }) }, 200),
    routeHook,
  );
};
