import { createRoute, z } from '@hono/zod-openapi';
import { episodeSchema as episodeWire } from '../../episodes/episodes-schema.js';
import { factSchema as factWire } from '../../facts/facts-schema.js';
import { consolidateSchema } from '../../formation/consolidation-schema.js';
import { ingestSchema } from '../../formation/ingest-schema.js';
import { rememberSchema } from '../../formation/remember-schema.js';
import { commonErrorResponses } from '../error-handler.js';
import type { RouteRegistrar } from '../server-types.js';
import {
  documented,
  json,
  jsonBody,
  routeHook,
  scopeOf,
  scopeQuery,
  wire,
  withoutFields,
} from './route-helpers.js';

const tags = ['formation'];

const rememberRoute = createRoute({
  method: 'post',
  path: '/v1/remember',
  operationId: 'memoryRemember',
  tags,
  summary: 'Remember at once: text (kept as a fact), a fact, or an episode',
  request: { query: scopeQuery, body: jsonBody(documented(rememberSchema)) },
  responses: {
    201: json(
      z.union([
        z.object({ kind: z.literal('fact'), fact: factWire }),
        z.object({ kind: z.literal('episode'), episode: episodeWire }),
      ]),
      'what was stored',
    ),
    ...commonErrorResponses,
  },
});

const ingestRoute = createRoute({
  method: 'post',
  path: '/v1/ingest',
  operationId: 'memoryIngest',
  tags,
  summary: 'Store a conversation as episodes now; fact extraction is queued when an LLM is configured',
  request: { query: scopeQuery, body: jsonBody(documented(ingestSchema)) },
  responses: {
    201: json(
      z.object({
        episodes: z.array(episodeWire),
        extraction: z.union([
          z.object({ status: z.literal('queued'), taskId: z.string(), taskIds: z.array(z.string()) }),
          z.object({ status: z.literal('skipped'), reason: z.string() }),
        ]),
      }),
      'the stored turns, in message order, and what happens to extraction',
    ),
    ...commonErrorResponses,
  },
});

const count = z.number().int();
const consolidateRoute = createRoute({
  method: 'post',
  path: '/v1/consolidate',
  operationId: 'memoryConsolidate',
  tags,
  summary: 'Summarise and archive old episodes (with an LLM) and merge duplicate facts, now',
  request: {
    query: scopeQuery,
    body: { ...jsonBody(withoutFields(consolidateSchema, ['llm'])), required: false },
  },
  responses: {
    200: json(
      z.object({
        sessions: count,
        summaries: count,
        archived: count,
        facts: z.object({ added: count, superseded: count, invalidated: count, unchanged: count }),
        merged: count,
        llmRequests: count,
        skipped: z.string().optional().openapi({ description: 'why nothing was summarised or archived' }),
      }),
      'what was done',
    ),
    ...commonErrorResponses,
  },
});

/**
 * Formation over HTTP: `POST /v1/remember`, `POST /v1/ingest`, `POST /v1/consolidate`.
 *
 * @example
 * // curl -X POST -H 'content-type: application/json' -d '{"messages":[{"role":"user","content":"I moved to Lyon"}]}' $URL/v1/ingest?user=alice
 * registerFormationRoutes(app, deps);
 */
export const registerFormationRoutes: RouteRegistrar = (app, { memory }) => {
  app.openapi(
    rememberRoute,
    async (c) => {
      const body = c.req.valid('json');
      const r = await memory.remember({ ...body, scope: scopeOf(c, c.req.valid('query'), body.scope) });
      return c.json(wire(r), 201);
    },
    routeHook,
  );

  app.openapi(
    ingestRoute,
    async (c) => {
      const body = c.req.valid('json');
      const r = await memory.ingest({ ...body, scope: scopeOf(c, c.req.valid('query'), body.scope) });
      return c.json(wire(r), 201);
    },
    routeHook,
  );

  app.openapi(
    consolidateRoute,
    async (c) => {
      const body = c.req.valid('json');
      const r = await memory.consolidate({ ...body, scope: scopeOf(c, c.req.valid('query'), body.scope) });
      return c.json(r, 200);
    },
    routeHook,
  );
};
