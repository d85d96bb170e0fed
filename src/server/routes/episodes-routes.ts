import { createRoute, z } from '@hono/zod-openapi';
import {
  appendEpisodeSchema,
  appendManySchema,
  getEpisodeSchema,
  listEpisodesSchema,
} from '../../episodes/episodes-schema.js';
import { commonErrorResponses } from '../error-handler.js';
import type { RouteRegistrar } from '../server-types.js';
import {
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
} from './route-helpers.js';
import { episodeWire, itemsOf, pageOf } from './wire-schemas.js';

const tags = ['episodes'];
const isBatch = (body: unknown): boolean =>
  typeof body === 'object' && body !== null && !Array.isArray(body) && 'episodes' in body;

const appendBody = z
  .union([documented(appendManySchema).extend({}), documented(appendEpisodeSchema).extend({})])
  .openapi({ description: 'one episode, or `{ episodes: [...] }` (a batch, in one transaction)' });

const appendRoute = createRoute({
  method: 'post',
  path: '/v1/episodes',
  operationId: 'episodesAppend',
  tags,
  summary: 'Append one episode, or a batch of them, to the log',
  request: { query: scopeQuery, body: jsonBody(appendBody) },
  responses: {
    201: json(z.union([episodeWire, itemsOf(episodeWire)]), 'the episode (or `{ items }` for a batch)'),
    ...commonErrorResponses,
  },
});

const shape = listEpisodesSchema.shape;
const listRoute = createRoute({
  method: 'get',
  path: '/v1/episodes',
  operationId: 'episodesList',
  tags,
  summary: 'List episodes, newest first, a page at a time',
  request: {
    query: scopeQuery.extend({
      since: q.text(shape.since),
      until: q.text(shape.until),
      eventType: q.text(shape.eventType),
      role: q.text(shape.role),
      tag: q.text(shape.tag),
      tags: q.list(shape.tags).openapi({ description: 'has all of these (repeat the parameter)' }),
      minImportance: q.number(shape.minImportance),
      includeArchived: q.boolean(shape.includeArchived),
      limit: q.number(shape.limit),
      cursor: q.text(shape.cursor),
    }),
  },
  responses: { 200: json(pageOf(episodeWire), 'a page of episodes'), ...commonErrorResponses },
});

const getRoute = createRoute({
  method: 'get',
  path: '/v1/episodes/{id}',
  operationId: 'episodesGet',
  tags,
  summary: 'Get an episode',
  request: { params: z.object({ id: getEpisodeSchema.shape.id }), query: scopeQuery },
  responses: {
    200: json(episodeWire, 'the episode'),
    ...notFound('no such episode in this tenant'),
    ...commonErrorResponses,
  },
});

/**
 * Validation of the append body: a body with `episodes` is checked as a batch, any
 * other as one episode, so the error names the field at fault in the shape meant.
 */
function appendHook(result: {
  success: boolean;
  data?: unknown;
  error?: unknown;
  target: string;
}): undefined {
  if (!result.success && result.target === 'json') {
    const schema = isBatch(result.data) ? appendManySchema : appendEpisodeSchema;
    const r = schema.safeParse(result.data);
    if (!r.success) routeHook({ success: false, error: r.error, target: 'json' });
  }
  return routeHook(result);
}

/**
 * The episodic log over HTTP: `POST /v1/episodes` (one, or `{ episodes: [...] }`),
 * `GET /v1/episodes`, `GET /v1/episodes/{id}`.
 *
 * @example
 * // curl -X POST -H 'content-type: application/json' -d '{"content":"deployed v2"}' $URL/v1/episodes
 * registerEpisodesRoutes(app, deps);
 */
export const registerEpisodesRoutes: RouteRegistrar = (app, { memory }) => {
  app.openapi(
    appendRoute,
    async (c) => {
      const body = c.req.valid('json');
      const scope = scopeOf(c, c.req.valid('query'), body.scope);
      if ('episodes' in body) {
        const items = await memory.episodes.appendMany({ ...body, scope });
        return c.json(wire({ items }), 201);
      }
      return c.json(wire(await memory.episodes.append({ ...body, scope })), 201);
    },
    appendHook,
  );

  app.openapi(
    listRoute,
    async (c) => {
      const { scope, rest } = splitQuery(c.req.valid('query'));
      return c.json(wire(await memory.episodes.list({ ...rest, scope: scopeOf(c, scope) })), 200);
    },
    routeHook,
  );

  app.openapi(
    getRoute,
    async (c) => {
      const { id } = c.req.valid('param');
      const episode = await memory.episodes.get({ id, scope: scopeOf(c, c.req.valid('query')) });
      return c.json(wire(found(episode, `episode ${id}`)), 200);
    },
    routeHook,
  );
};
