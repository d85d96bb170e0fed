import { createRoute, z } from '@hono/zod-openapi';
import {
  decisionGetSchema,
  decisionLessonsSchema,
  decisionListSchema,
  decisionRecordSchema,
  decisionResolveSchema,
} from '../../decisions/decisions-schema.js';
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
import { decisionWire, itemsOf } from './wire-schemas.js';

const tags = ['decisions'];
const params = z.object({ id: decisionGetSchema.shape.id });
const missing = notFound('no such decision in this tenant');

const recordRoute = createRoute({
  method: 'post',
  path: '/v1/decisions',
  operationId: 'decisionsRecord',
  tags,
  summary: 'Record a decision: context, alternatives, what was chosen and why (pending until resolved)',
  request: { query: scopeQuery, body: jsonBody(documented(decisionRecordSchema)) },
  responses: { 201: json(decisionWire, 'the decision'), ...commonErrorResponses },
});

const listRoute = createRoute({
  method: 'get',
  path: '/v1/decisions',
  operationId: 'decisionsList',
  tags,
  summary: 'Decisions of the scope, newest first (best text match first with `text`)',
  request: {
    query: scopeQuery.extend({
      status: q.text(decisionListSchema.shape.status),
      subject: q.text(decisionListSchema.shape.subject),
      text: q.text(decisionListSchema.shape.text),
      limit: q.number(decisionListSchema.shape.limit),
      scopeMatch: q.text(decisionListSchema.shape.scopeMatch),
    }),
  },
  responses: { 200: json(itemsOf(decisionWire), 'the decisions'), ...commonErrorResponses },
});

const lessonsRoute = createRoute({
  method: 'get',
  path: '/v1/decisions/lessons',
  operationId: 'decisionsLessons',
  tags,
  summary: 'Resolved decisions that carry lessons, most recently resolved first',
  request: {
    query: scopeQuery.extend({
      subject: q.text(decisionLessonsSchema.shape.subject),
      text: q.text(decisionLessonsSchema.shape.text),
      limit: q.number(decisionLessonsSchema.shape.limit),
      scopeMatch: q.text(decisionLessonsSchema.shape.scopeMatch),
    }),
  },
  responses: { 200: json(itemsOf(decisionWire), 'the decisions with lessons'), ...commonErrorResponses },
});

const getRoute = createRoute({
  method: 'get',
  path: '/v1/decisions/{id}',
  operationId: 'decisionsGet',
  tags,
  summary: 'Get a decision',
  request: { params, query: scopeQuery },
  responses: { 200: json(decisionWire, 'the decision'), ...missing, ...commonErrorResponses },
});

const resolveRoute = createRoute({
  method: 'post',
  path: '/v1/decisions/{id}/resolve',
  operationId: 'decisionsResolve',
  tags,
  summary: 'Resolve a pending decision with its outcome and lessons (once)',
  request: { params, query: scopeQuery, body: jsonBody(withoutFields(decisionResolveSchema, ['id'])) },
  responses: {
    200: json(decisionWire, 'the resolved decision'),
    ...missing,
    ...conflict('the decision was already resolved'),
    ...commonErrorResponses,
  },
});

/**
 * Decisions over HTTP: `POST /v1/decisions`, `GET /v1/decisions`, `GET /v1/decisions/lessons`,
 * `GET /v1/decisions/{id}`, `POST /v1/decisions/{id}/resolve`.
 *
 * @example
 * // curl -X POST -H 'content-type: application/json' -d '{"context":"pick a queue","chosen":"postgres"}' $URL/v1/decisions
 * registerDecisionsRoutes(app, deps);
 */
export const registerDecisionsRoutes: RouteRegistrar = (app, { memory }) => {
  app.openapi(
    recordRoute,
    async (c) => {
      const body = c.req.valid('json');
      const d = await memory.decisions.record({
        ...body,
        scope: scopeOf(c, c.req.valid('query'), body.scope),
      });
      return c.json(wire(d), 201);
    },
    routeHook,
  );

  app.openapi(
    listRoute,
    async (c) => {
      const { scope, rest } = splitQuery(c.req.valid('query'));
      const items = await memory.decisions.list({ ...rest, scope: scopeOf(c, scope) });
      return c.json(wire({ items }), 200);
    },
    routeHook,
  );

  app.openapi(
    lessonsRoute,
    async (c) => {
      const { scope, rest } = splitQuery(c.req.valid('query'));
      const items = await memory.decisions.lessons({ ...rest, scope: scopeOf(c, scope) });
      return c.json(wire({ items }), 200);
    },
    routeHook,
  );

  app.openapi(
    getRoute,
    async (c) => {
      const { id } = c.req.valid('param');
      const d = await memory.decisions.get({ id, scope: scopeOf(c, c.req.valid('query')) });
      return c.json(wire(found(d, `decision ${id}`)), 200);
    },
    routeHook,
  );

  app.openapi(
    resolveRoute,
    async (c) => {
      const body = c.req.valid('json');
      const { id } = c.req.valid('param');
      const scope = scopeOf(c, c.req.valid('query'), body.scope);
      return c.json(wire(await memory.decisions.resolve({ ...body, id, scope })), 200);
    },
    routeHook,
  );
};
