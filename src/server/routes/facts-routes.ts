import { createRoute, z } from '@hono/zod-openapi';
import {
  assertFactSchema,
  factIdSchema,
  invalidateFactSchema,
  listFactsSchema,
  supersedeFactSchema,
} from '../../facts/facts-schema.js';
import { commonErrorResponses } from '../error-handler.js';
import type { RouteRegistrar } from '../server-types.js';
import {
  conflict,
  documented,
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
import { factWire, itemsOf, pageOf } from './wire-schemas.js';

const tags = ['facts'];
const params = z.object({ id: factIdSchema.shape.id });
const missing = notFound('no such fact in this tenant and scope');

const assertRoute = createRoute({
  method: 'post',
  path: '/v1/facts',
  operationId: 'factsAssert',
  tags,
  summary: 'Assert a fact (semantic) or rule (procedural)',
  request: { query: scopeQuery, body: jsonBody(documented(assertFactSchema)) },
  responses: { 201: json(factWire, 'the fact'), ...commonErrorResponses },
});

const shape = listFactsSchema.shape;
const listRoute = createRoute({
  method: 'get',
  path: '/v1/facts',
  operationId: 'factsList',
  tags,
  summary: 'List facts: current ones, those valid at asOf, or every version (includeHistory)',
  request: {
    query: scopeQuery.extend({
      kind: q.text(shape.kind),
      category: q.text(shape.category),
      subject: q.text(shape.subject),
      tag: q.text(shape.tag),
      asOf: q.text(shape.asOf),
      includeHistory: q.boolean(shape.includeHistory),
      limit: q.number(shape.limit),
      cursor: q.text(shape.cursor),
    }),
  },
  responses: { 200: json(pageOf(factWire), 'a page of facts'), ...commonErrorResponses },
});

const getRoute = createRoute({
  method: 'get',
  path: '/v1/facts/{id}',
  operationId: 'factsGet',
  tags,
  summary: 'Get a fact (any version)',
  request: { params, query: scopeQuery },
  responses: { 200: json(factWire, 'the fact'), ...missing, ...commonErrorResponses },
});

const chainRoute = createRoute({
  method: 'get',
  path: '/v1/facts/{id}/chain',
  operationId: 'factsChain',
  tags,
  summary: 'Every version of a fact, oldest first (what it replaced and what replaced it)',
  request: { params, query: scopeQuery },
  responses: { 200: json(itemsOf(factWire), 'the versions'), ...missing, ...commonErrorResponses },
});

const supersedeRoute = createRoute({
  method: 'post',
  path: '/v1/facts/{id}/supersede',
  operationId: 'factsSupersede',
  tags,
  summary: 'Replace a current fact by a new version (the old one stays, valid until now)',
  request: { params, query: scopeQuery, body: jsonBody(withoutFields(supersedeFactSchema, ['id'])) },
  responses: {
    200: json(z.object({ old: factWire, new: factWire }), 'the old version (closed) and the new one'),
    ...missing,
    ...conflict('the fact is no longer current'),
    ...commonErrorResponses,
  },
});

const invalidateRoute = createRoute({
  method: 'post',
  path: '/v1/facts/{id}/invalidate',
  operationId: 'factsInvalidate',
  tags,
  summary: 'Mark a current fact as no longer true (kept in history)',
  request: {
    params,
    query: scopeQuery,
    body: { ...jsonBody(withoutFields(invalidateFactSchema, ['id'])), required: false },
  },
  responses: {
    200: json(factWire, 'the fact, closed'),
    ...missing,
    ...conflict('the fact is no longer current'),
    ...commonErrorResponses,
  },
});

/**
 * Facts over HTTP: `POST /v1/facts`, `GET /v1/facts`, `GET /v1/facts/{id}`,
 * `GET /v1/facts/{id}/chain`, `POST /v1/facts/{id}/supersede`, `POST /v1/facts/{id}/invalidate`.
 *
 * @example
 * // curl -X POST -H 'content-type: application/json' -d '{"subject":"alice.city","content":"Alice lives in Lyon"}' $URL/v1/facts?user=alice
 * registerFactsRoutes(app, deps);
 */
export const registerFactsRoutes: RouteRegistrar = (app, { memory }) => {
  app.openapi(
    assertRoute,
    async (c) => {
      const body = c.req.valid('json');
      const fact = await memory.facts.assert({
        ...body,
        scope: scopeOf(c, c.req.valid('query'), body.scope),
      });
      return c.json(wire(fact), 201);
    },
    routeHook,
  );

  app.openapi(
    listRoute,
    async (c) => {
      const { scope, rest } = splitQuery(c.req.valid('query'));
      return c.json(wire(await memory.facts.list({ ...rest, scope: scopeOf(c, scope) })), 200);
    },
    routeHook,
  );

  app.openapi(
    getRoute,
    async (c) => {
      const { id } = c.req.valid('param');
      const fact = await memory.facts.get({ id, scope: scopeOf(c, c.req.valid('query')) });
      return c.json(wire(found(fact, `fact ${id}`)), 200);
    },
    routeHook,
  );

  app.openapi(
    chainRoute,
    async (c) => {
      const { id } = c.req.valid('param');
      const items = await memory.facts.chain({ id, scope: scopeOf(c, c.req.valid('query')) });
      return c.json(wire({ items }), 200);
    },
    routeHook,
  );

  app.openapi(
    supersedeRoute,
    async (c) => {
      const body = c.req.valid('json');
      const { id } = c.req.valid('param');
      const scope = scopeOf(c, c.req.valid('query'), body.scope);
      return c.json(wire(await memory.facts.supersede({ ...body, id, scope })), 200);
    },
    routeHook,
  );

  app.openapi(
    invalidateRoute,
    async (c) => {
      const body = c.req.valid('json');
      const { id } = c.req.valid('param');
      const scope = scopeOf(c, c.req.valid('query'), body.scope);
      return c.json(wire(await memory.facts.invalidate({ ...body, id, scope })), 200);
    },
    routeHook,
  );
};
