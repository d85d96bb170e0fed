import { createRoute, z } from '@hono/zod-openapi';
import {
  sessionEndSchema,
  sessionId,
  sessionListSchema,
  sessionStartSchema,
} from '../../sessions/sessions-schema.js';
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
import { itemsOf, sessionWire } from './wire-schemas.js';

const tags = ['sessions'];
const params = z.object({ id: sessionId });
const missing = notFound('no such session in this tenant');

const startRoute = createRoute({
  method: 'post',
  path: '/v1/sessions',
  operationId: 'sessionsStart',
  tags,
  summary: 'Start a session (id: the given one, else the scope session, else a new uuid)',
  request: {
    query: scopeQuery,
    body: { ...jsonBody(documented(sessionStartSchema)), required: false },
  },
  responses: {
    201: json(sessionWire, 'the session'),
    ...conflict('the id is already taken in the tenant'),
    ...commonErrorResponses,
  },
});

const endRoute = createRoute({
  method: 'post',
  path: '/v1/sessions/{id}/end',
  operationId: 'sessionsEnd',
  tags,
  summary: 'End an active session, with a summary',
  request: {
    params,
    query: scopeQuery,
    body: { ...jsonBody(withoutFields(sessionEndSchema, ['id'])), required: false },
  },
  responses: {
    200: json(sessionWire, 'the ended session'),
    ...missing,
    ...conflict('the session already ended'),
    ...commonErrorResponses,
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/v1/sessions',
  operationId: 'sessionsList',
  tags,
  summary: 'Sessions of the scope, most recently started first',
  request: {
    query: scopeQuery.extend({
      active: q.boolean(sessionListSchema.shape.active),
      limit: q.number(sessionListSchema.shape.limit),
      scopeMatch: q.text(sessionListSchema.shape.scopeMatch),
    }),
  },
  responses: { 200: json(itemsOf(sessionWire), 'the sessions'), ...commonErrorResponses },
});

const getRoute = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}',
  operationId: 'sessionsGet',
  tags,
  summary: 'Get a session',
  request: { params, query: scopeQuery },
  responses: { 200: json(sessionWire, 'the session'), ...missing, ...commonErrorResponses },
});

/**
 * Sessions over HTTP: `POST /v1/sessions`, `POST /v1/sessions/{id}/end`, `GET /v1/sessions`,
 * `GET /v1/sessions/{id}`.
 *
 * @example
 * // curl -X POST $URL/v1/sessions?user=alice
 * registerSessionsRoutes(app, deps);
 */
export const registerSessionsRoutes: RouteRegistrar = (app, { memory }) => {
  app.openapi(
    startRoute,
    async (c) => {
      const body = c.req.valid('json');
      const s = await memory.sessions.start({ ...body, scope: scopeOf(c, c.req.valid('query'), body.scope) });
      return c.json(wire(s), 201);
    },
    routeHook,
  );

  app.openapi(
    endRoute,
    async (c) => {
      const body = c.req.valid('json');
      const { id } = c.req.valid('param');
      const scope = scopeOf(c, c.req.valid('query'), body.scope);
      return c.json(wire(await memory.sessions.end({ ...body, id, scope })), 200);
    },
    routeHook,
  );

  app.openapi(
    listRoute,
    async (c) => {
      const { scope, rest } = splitQuery(c.req.valid('query'));
      const items = await memory.sessions.list({ ...rest, scope: scopeOf(c, scope) });
      return c.json(wire({ items }), 200);
    },
    routeHook,
  );

  app.openapi(
    getRoute,
    async (c) => {
      const { id } = c.req.valid('param');
      const s = await memory.sessions.get({ id, scope: scopeOf(c, c.req.valid('query')) });
      return c.json(wire(found(s, `session "${id}"`)), 200);
    },
    routeHook,
  );
};
