import { createRoute } from '@hono/zod-openapi';
import { purgeSchema } from '../../purge/purge-schema.js';
import { requireScope } from '../auth-middleware.js';
import { commonErrorResponses } from '../error-handler.js';
import type { RouteRegistrar } from '../server-types.js';
import { documented, json, jsonBody, routeHook, scopeOf, scopeQuery, wire } from './route-helpers.js';
import { purgeResultWire } from './wire-schemas.js';

const purgeRoute = createRoute({
  method: 'post',
  path: '/v1/purge',
  operationId: 'memoryPurge',
  tags: ['purge'],
  summary: 'Erase for good: a user, agent or session (scope), one memory, or the whole tenant (admin)',
  description:
    'Deletes every row of the target from every table and writes an audit record (who, why, how many ' +
    'rows; never the content). An empty target is refused: say `all: true` to purge the tenant.',
  middleware: [requireScope('admin')],
  request: { query: scopeQuery, body: jsonBody(documented(purgeSchema)) },
  responses: {
    200: json(purgeResultWire, 'the audit id and the rows deleted per table'),
    ...commonErrorResponses,
  },
});

/**
 * Purge over HTTP: `POST /v1/purge` (admin scope).
 *
 * @example
 * // curl -X POST -H 'content-type: application/json' -d '{"scope":{"user":"alice"},"reason":"erasure request"}' $URL/v1/purge
 * registerPurgeRoutes(app, deps);
 */
export const registerPurgeRoutes: RouteRegistrar = (app, { memory }) => {
  app.openapi(
    purgeRoute,
    async (c) => {
      const body = c.req.valid('json');
      const result = await memory.purge.purge({
        ...body,
        scope: scopeOf(c, c.req.valid('query'), body.scope),
      });
      return c.json(wire(result), 200);
    },
    routeHook,
  );
};
