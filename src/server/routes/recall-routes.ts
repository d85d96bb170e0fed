import { createRoute, z } from '@hono/zod-openapi';
import { contextSchema } from '../../recall/context-builder.js';
import { RECALL_KINDS, recallSchema } from '../../recall/recall-schema.js';
import { commonErrorResponses } from '../error-handler.js';
import type { RouteRegistrar } from '../server-types.js';
import { documented, json, jsonBody, routeHook, scopeOf, scopeQuery, wire } from './route-helpers.js';

const tags = ['recall'];

const scoresWire = z.object({
  text: z.number(),
  vector: z.number(),
  cosine: z.number().nullable(),
  neighbor: z.number(),
  session: z.number(),
  recency: z.number(),
  importance: z.number(),
  confidence: z.number(),
  vectorMissing: z.enum(['not_embedded', 'text_only']).nullable().optional().openapi({
    description: 'why cosine is null: the row is not embedded yet, or the recall used no vector',
  }),
});

const recallItemWire = z
  .object({
    kind: z.enum(RECALL_KINDS),
    id: z.string(),
    content: z.string(),
    subject: z.string(),
    score: z.number(),
    occurredAt: z.string().openapi({ format: 'date-time' }),
    session: z.string(),
    user: z.string(),
    agent: z.string(),
    category: z.string(),
    importance: z.number(),
    confidence: z.number(),
    tags: z.array(z.string()),
    metadata: z.record(z.string(), z.unknown()),
    neighborOf: z.string().optional().openapi({ description: 'set when added as context around this hit' }),
    scores: scoresWire.optional().openapi({ description: 'each signal, with `explain: true`' }),
  })
  .openapi('RecallItem');

const recallRoute = createRoute({
  method: 'post',
  path: '/v1/recall',
  operationId: 'memoryRecall',
  tags,
  summary: 'Recall: the memories (episodes, facts, decisions, brain keys) that best match a query, ranked',
  description:
    'One round trip: full text and embeddings fused, then recency, importance and confidence; filters, a ' +
    'minimum score, diversity (MMR) and neighbouring turns on request. `explain: true` adds each score.',
  request: { query: scopeQuery, body: jsonBody(documented(recallSchema)) },
  responses: {
    200: json(
      z.object({
        items: z.array(recallItemWire),
        usedVector: z.boolean().openapi({ description: 'false when recall was text only' }),
        pendingEmbedding: z
          .number()
          .int()
          .openapi({ description: 'rows it could return that had no embedding yet (found by words only)' }),
        embeddedForRecall: z.number().int().openapi({ description: 'fresh rows this recall embedded first' }),
      }),
      'the ranked memories',
    ),
    ...commonErrorResponses,
  },
});

const contextRoute = createRoute({
  method: 'post',
  path: '/v1/context',
  operationId: 'memoryContext',
  tags,
  summary: 'The block an agent injects at the start of a turn, within a token budget',
  request: { query: scopeQuery, body: jsonBody(documented(contextSchema)) },
  responses: {
    200: json(
      z
        .object({
          text: z.string(),
          tokens: z.number().int(),
          items: z.array(
            z.object({
              kind: z.string(),
              id: z.string(),
              section: z.enum(['directives', 'identity', 'facts', 'relevant', 'recent']),
              tokens: z.number().int(),
            }),
          ),
        })
        .openapi('Context'),
      'the context block and what went into it',
    ),
    ...commonErrorResponses,
  },
});

/**
 * Recall over HTTP: `POST /v1/recall` and `POST /v1/context`.
 *
 * @example
 * // curl -X POST -H 'content-type: application/json' -d '{"query":"where does alice live","k":5}' $URL/v1/recall?user=alice
 * registerRecallRoutes(app, deps);
 */
export const registerRecallRoutes: RouteRegistrar = (app, { memory }) => {
  app.openapi(
    recallRoute,
    async (c) => {
      const body = c.req.valid('json');
      const result = await memory.recall({ ...body, scope: scopeOf(c, c.req.valid('query'), body.scope) });
      return c.json(wire(result), 200);
    },
    routeHook,
  );

  app.openapi(
    contextRoute,
    async (c) => {
      const body = c.req.valid('json');
      const result = await memory.context({ ...body, scope: scopeOf(c, c.req.valid('query'), body.scope) });
      return c.json(result, 200);
    },
    routeHook,
  );
};
