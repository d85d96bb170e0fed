import { createRoute, z } from '@hono/zod-openapi';
import {
  brainDeleteSchema,
  brainHistorySchema,
  brainKey,
  brainListSchema,
  brainSetSchema,
} from '../../brain/brain-schema.js';
import { commonErrorResponses } from '../error-handler.js';
import type { RouteRegistrar } from '../server-types.js';
import {
  conflict,
  found,
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
import { brainEntryWire, brainHistoryWire, itemsOf } from './wire-schemas.js';

const tags = ['brain'];
const params = z.object({ key: brainKey });

const setRoute = createRoute({
  method: 'put',
  path: '/v1/brain/{key}',
  operationId: 'brainSet',
  tags,
  summary: 'Set a brain key (create or replace; expectedVersion makes it conditional)',
  request: { params, query: scopeQuery, body: jsonBody(withoutFields(brainSetSchema, ['key'])) },
  responses: {
    200: json(brainEntryWire, 'the entry as stored'),
    ...conflict('expectedVersion is not the current version'),
    ...commonErrorResponses,
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/v1/brain/{key}',
  operationId: 'brainGet',
  tags,
  summary: 'Get a brain key',
  request: { params, query: scopeQuery },
  responses: {
    200: json(brainEntryWire, 'the entry'),
    ...notFound('the key is absent or expired'),
    ...commonErrorResponses,
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/v1/brain',
  operationId: 'brainList',
  tags,
  summary: 'List brain keys of the scope (optionally under a prefix, in a category), ordered by key',
  request: {
    query: scopeQuery.extend({
      prefix: q.text(brainListSchema.shape.prefix),
      category: q.text(brainListSchema.shape.category),
      limit: q.number(brainListSchema.shape.limit),
      scopeMatch: q.text(brainListSchema.shape.scopeMatch),
    }),
  },
  responses: { 200: json(itemsOf(brainEntryWire), 'the entries'), ...commonErrorResponses },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/v1/brain/{key}',
  operationId: 'brainDelete',
  tags,
  summary: 'Delete a brain key (recorded in its history)',
  request: {
    params,
    query: scopeQuery.extend({
      expectedVersion: q.number(brainDeleteSchema.shape.expectedVersion),
      by: q.text(brainDeleteSchema.shape.by),
    }),
  },
  responses: {
    200: json(z.object({ deleted: z.literal(true) }), 'deleted'),
    ...notFound('the key is absent or expired'),
    ...conflict('expectedVersion is not the current version'),
    ...commonErrorResponses,
  },
});

const historyRoute = createRoute({
  method: 'get',
  path: '/v1/brain/{key}/history',
  operationId: 'brainHistory',
  tags,
  summary: 'Changes of a brain key, oldest first',
  request: { params, query: scopeQuery.extend({ limit: q.number(brainHistorySchema.shape.limit) }) },
  responses: { 200: json(itemsOf(brainHistoryWire), 'the changes'), ...commonErrorResponses },
});

/**
 * The key-value brain over HTTP: `PUT|GET|DELETE /v1/brain/{key}`, `GET /v1/brain`,
 * `GET /v1/brain/{key}/history`.
 *
 * @example
 * // curl -X PUT -H 'content-type: application/json' -d '{"value":"Ada"}' $URL/v1/brain/identity.name
 * registerBrainRoutes(app, deps);
 */
export const registerBrainRoutes: RouteRegistrar = (app, { memory }) => {
  app.openapi(
    setRoute,
    async (c) => {
      const body = c.req.valid('json');
      const scope = scopeOf(c, c.req.valid('query'), body.scope);
      const entry = await memory.brain.set({ ...body, key: c.req.valid('param').key, scope });
      return c.json(wire(entry), 200);
    },
    routeHook,
  );

  app.openapi(
    listRoute,
    async (c) => {
      const { scope, rest } = splitQuery(c.req.valid('query'));
      const items = await memory.brain.list({ ...rest, scope: scopeOf(c, scope) });
      return c.json(wire({ items }), 200);
    },
    routeHook,
  );

  app.openapi(
    historyRoute,
    async (c) => {
      const { scope, rest } = splitQuery(c.req.valid('query'));
      const { key } = c.req.valid('param');
      const items = await memory.brain.history({ ...rest, key, scope: scopeOf(c, scope) });
      return c.json(wire({ items }), 200);
    },
    routeHook,
  );

  app.openapi(
    getRoute,
    async (c) => {
      const { key } = c.req.valid('param');
      const entry = await memory.brain.get({ key, scope: scopeOf(c, c.req.valid('query')) });
      return c.json(wire(found(entry, `brain key "${key}"`, 'key')), 200);
    },
    routeHook,
  );

  app.openapi(
    deleteRoute,
    async (c) => {
      const { scope, rest } = splitQuery(c.req.valid('query'));
      const { key } = c.req.valid('param');
      const deleted = await memory.brain.delete({ ...rest, key, scope: scopeOf(c, scope) });
      found(deleted || null, `brain key "${key}"`, 'key');
      return c.json({ deleted: true as const }, 200);
    },
    routeHook,
  );
};
