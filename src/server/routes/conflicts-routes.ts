import { createRoute, z } from '@hono/zod-openapi';
import { listConflictsSchema, resolveConflictSchema } from '../../coordination/conflicts-schema.js';
import { commonErrorResponses } from '../error-handler.js';
import type { RouteRegistrar } from '../server-types.js';
import {
  conflict,
  json,
  jsonBody,
  notFound,
  q,
  routeHook,
  scopeOf,
  scopeQuery,
  splitQuery,
  wire,
  withoutFields,
} from './route-helpers.js';
import { conflictWire, itemsOf } from './wire-schemas.js';

const tags = ['conflicts'];
const params = z.object({ id: resolveConflictSchema.shape.id });
const missing = notFound('no such conflict in this tenant');

const listRoute = createRoute({
  method: 'get',
  path: '/v1/conflicts',
  operationId: 'conflictsList',
  tags,
  summary: 'Conflicts between facts of different agents, newest first (of `user` when given)',
  request: {
    query: scopeQuery.extend({
      status: q.text(listConflictsSchema.shape.status),
      subject: q.text(listConflictsSchema.shape.subject),
      limit: q.number(listConflictsSchema.shape.limit),
    }),
  },
  responses: { 200: json(itemsOf(conflictWire), 'the conflicts'), ...commonErrorResponses },
});

const getRoute = createRoute({
  method: 'get',
  path: '/v1/conflicts/{id}',
  operationId: 'conflictsGet',
  tags,
  summary: 'Get a conflict with its facts',
  request: { params, query: scopeQuery },
  responses: { 200: json(conflictWire, 'the conflict'), ...missing, ...commonErrorResponses },
});

const resolveRoute = createRoute({
  method: 'post',
  path: '/v1/conflicts/{id}/resolve',
  operationId: 'conflictsResolve',
  tags,
  summary: 'Resolve a conflict: keep one fact (the others are superseded by it) or `both`',
  request: { params, query: scopeQuery, body: jsonBody(withoutFields(resolveConflictSchema, ['id'])) },
  responses: {
    200: json(conflictWire, 'the resolved conflict'),
    ...missing,
    ...conflict('the conflict was already resolved'),
    ...commonErrorResponses,
  },
});

/**
 * Conflicts over HTTP: `GET /v1/conflicts`, `GET /v1/conflicts/{id}`, `POST /v1/conflicts/{id}/resolve`.
 *
 * @example
 * // curl -X POST -H 'content-type: application/json' -d '{"keep":"both","by":"supervisor"}' $URL/v1/conflicts/$ID/resolve
 * registerConflictsRoutes(app, deps);
 */
export const registerConflictsRoutes: RouteRegistrar = (app, { memory }) => {
  app.openapi(
    listRoute,
    async (c) => {
      const { scope, rest } = splitQuery(c.req.valid('query'));
      const items = await memory.conflicts.list({ ...rest, scope: scopeOf(c, scope) });
      return c.json(wire({ items }), 200);
    },
    routeHook,
  );

  app.openapi(
    getRoute,
    async (c) => {
      const { id } = c.req.valid('param');
      return c.json(wire(await memory.conflicts.get({ id, scope: scopeOf(c, c.req.valid('query')) })), 200);
    },
    routeHook,
  );

  app.openapi(
    resolveRoute,
    async (c) => {
      const body = c.req.valid('json');
      const { id } = c.req.valid('param');
      const scope = scopeOf(c, c.req.valid('query'), body.scope);
      return c.json(wire(await memory.conflicts.resolve({ ...body, id, scope })), 200);
    },
    routeHook,
  );
};
