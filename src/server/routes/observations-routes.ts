import { createRoute, z } from '@hono/zod-openapi';
import { cursorSchema, observationSchema, subscribeSchema } from '../../coordination/observations-schema.js';
import { commonErrorResponses } from '../error-handler.js';
import type { RouteRegistrar } from '../server-types.js';
import { DEFAULT_HEARTBEAT_SECONDS, openSse, resumeCursor } from '../sse.js';
import { q, routeHook, scopeOf, scopeQuery, splitQuery } from './route-helpers.js';

const tags = ['observations'];

const streamRoute = createRoute({
  method: 'get',
  path: '/v1/observations/stream',
  operationId: 'observationsSubscribe',
  tags,
  summary: 'Live observations as Server-Sent Events, resumable',
  description:
    'A `text/event-stream` of `observation` events (data: the observation as JSON, id: its seq), in seq ' +
    'order, exactly once. To resume, send the last id received as the `Last-Event-ID` header (browsers do) ' +
    'or as `cursor`: every observation after it is sent first, then live ones. Without either, only ' +
    `observations made from now on. A comment line every ${DEFAULT_HEARTBEAT_SECONDS} s (\`heartbeatSeconds\`) ` +
    'keeps idle connections open through proxies.',
  request: {
    query: scopeQuery.extend({
      types: q
        .list(subscribeSchema.shape.types)
        .openapi({ description: 'only these types (repeat the parameter)' }),
      subjects: q
        .list(subscribeSchema.shape.subjects)
        .openapi({ description: 'only these subjects (repeat)' }),
      cursor: q.number(cursorSchema).openapi({ description: 'resume after this seq (Last-Event-ID wins)' }),
      heartbeatSeconds: q.number(z.number().int('must be a whole number').min(1).max(300)),
    }),
  },
  responses: {
    200: {
      description: 'the event stream',
      content: {
        'text/event-stream': {
          schema: z.string().openapi({ example: 'id: 42\nevent: observation\ndata: {...}\n\n' }),
        },
      },
    },
    ...commonErrorResponses,
  },
});

/**
 * The live observations stream over HTTP: `GET /v1/observations/stream` (Server-Sent
 * Events, resumable with Last-Event-ID). Publishing and the history are contract
 * operations (src/contract/observations-operations.ts).
 *
 * @example
 * // curl -N $URL/v1/observations/stream -H 'Last-Event-ID: 41'
 * registerObservationsRoutes(app, deps);
 */
export const registerObservationsRoutes: RouteRegistrar = (app, { memory, config }) => {
  app.openapi(
    streamRoute,
    async (c) => {
      const { scope, rest } = splitQuery(c.req.valid('query'));
      const cursor = resumeCursor(c, rest.cursor);
      const input = { scope: scopeOf(c, scope), types: rest.types, subjects: rest.subjects, cursor };
      const response = await openSse(c, {
        heartbeatMs: (rest.heartbeatSeconds ?? DEFAULT_HEARTBEAT_SECONDS) * 1000,
        logger: config.logger,
        open: async (send) => {
          const sub = await memory.observations.subscribe(
            input,
            (o) =>
              send({
                id: String(o.seq),
                event: 'observation',
                data: JSON.stringify(z.encode(observationSchema, o)),
              }),
            (e) => config.logger.error('observation stream: delivery failed', e),
          );
          return () => sub.close();
        },
      });
      return response as never;
    },
    routeHook,
  );
};
