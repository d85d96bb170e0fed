import { createRoute, z } from '@hono/zod-openapi';
import {
  cancelTaskSchema,
  claimTaskSchema,
  completeTaskSchema,
  createTaskSchema,
  failTaskSchema,
  getTaskSchema,
  heartbeatTaskSchema,
  listTasksSchema,
  releaseTaskSchema,
} from '../../coordination/tasks-schema.js';
import { InvalidInputError } from '../../errors.js';
import type { Scope } from '../../scope.js';
import { commonErrorResponses } from '../error-handler.js';
import type { RouteRegistrar } from '../server-types.js';
import {
  conflict,
  documented,
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
import { itemsOf, taskWire } from './wire-schemas.js';

const tags = ['tasks'];
const params = z.object({ id: getTaskSchema.shape.id });
const missing = notFound('no such task in this tenant');

/** mnemo's own background queues are not for clients to fill or drain. */
function publicQueue(queue: string): void {
  if (queue.startsWith('mnemo.'))
    throw new InvalidInputError(
      `"queue": "${queue}" is reserved for mnemo's background jobs (queues named mnemo.*): use another name`,
      'queue',
    );
}

const createTaskRoute = createRoute({
  method: 'post',
  path: '/v1/tasks',
  operationId: 'tasksCreate',
  tags,
  summary: 'Create a task (a dedupeKey already open or claimed in the queue returns that task)',
  request: { query: scopeQuery, body: jsonBody(documented(createTaskSchema)) },
  responses: { 201: json(taskWire, 'the task'), ...commonErrorResponses },
});

const claimRoute = createRoute({
  method: 'post',
  path: '/v1/tasks/claim',
  operationId: 'tasksClaim',
  tags,
  summary: 'Claim the next open task(s) of a queue with a lease (atomic: no task goes to two agents)',
  request: { query: scopeQuery, body: jsonBody(documented(claimTaskSchema)) },
  responses: {
    200: json(
      itemsOf(taskWire),
      'the claimed tasks (none when the queue is empty): `limit` of them at most, default 1',
    ),
    ...commonErrorResponses,
  },
});

/** One action on a held task: heartbeat, complete, fail, release, cancel. */
function actionRoute(
  action: string,
  operationId: string,
  summary: string,
  schema: z.ZodObject,
  bodyRequired: boolean,
) {
  return createRoute({
    method: 'post',
    path: `/v1/tasks/{id}/${action}`,
    operationId,
    tags,
    summary,
    request: {
      params,
      query: scopeQuery,
      body: { ...jsonBody(withoutFields(schema, ['id'])), required: bodyRequired },
    },
    responses: {
      200: json(taskWire, 'the task'),
      ...missing,
      ...conflict('the lease is not held by this agent (expired, or claimed by another)'),
      ...commonErrorResponses,
    },
  });
}

const heartbeatRoute = actionRoute(
  'heartbeat',
  'tasksHeartbeat',
  'Extend the lease of a claimed task',
  heartbeatTaskSchema,
  false,
);
const completeRoute = actionRoute(
  'complete',
  'tasksComplete',
  'Complete a claimed task with its result',
  completeTaskSchema,
  false,
);
const failRoute = actionRoute(
  'fail',
  'tasksFail',
  'Fail a claimed task (retried with backoff while attempts are left, unless retry: false)',
  failTaskSchema,
  true,
);
const releaseRoute = actionRoute(
  'release',
  'tasksRelease',
  'Give a claimed task back without counting the attempt',
  releaseTaskSchema,
  false,
);
const cancelRoute = actionRoute(
  'cancel',
  'tasksCancel',
  'Cancel an open or claimed task',
  cancelTaskSchema,
  false,
);

const listRoute = createRoute({
  method: 'get',
  path: '/v1/tasks',
  operationId: 'tasksList',
  tags,
  summary: 'Tasks of the tenant, newest first',
  request: {
    query: scopeQuery.extend({
      queue: q.text(listTasksSchema.shape.queue),
      status: q.text(listTasksSchema.shape.status),
      claimedBy: q.text(listTasksSchema.shape.claimedBy),
      limit: q.number(listTasksSchema.shape.limit),
      scopeMatch: q.text(listTasksSchema.shape.scopeMatch),
    }),
  },
  responses: { 200: json(itemsOf(taskWire), 'the tasks'), ...commonErrorResponses },
});

const getRoute = createRoute({
  method: 'get',
  path: '/v1/tasks/{id}',
  operationId: 'tasksGet',
  tags,
  summary: 'Get a task',
  request: { params, query: scopeQuery },
  responses: { 200: json(taskWire, 'the task'), ...missing, ...commonErrorResponses },
});

/**
 * The task queue over HTTP: `POST /v1/tasks`, `POST /v1/tasks/claim`,
 * `POST /v1/tasks/{id}/heartbeat|complete|fail|release|cancel`, `GET /v1/tasks`, `GET /v1/tasks/{id}`.
 * Queues named `mnemo.*` (mnemo's own background jobs) cannot be filled or claimed over HTTP.
 *
 * @example
 * // curl -X POST -H 'content-type: application/json' -d '{"queue":"crawl","agent":"w1","leaseSeconds":60}' $URL/v1/tasks/claim
 * registerTasksRoutes(app, deps);
 */
export const registerTasksRoutes: RouteRegistrar = (app, { memory }) => {
  const tasks = memory.tasks;
  app.openapi(
    createTaskRoute,
    async (c) => {
      const body = c.req.valid('json');
      publicQueue(body.queue);
      const task = await tasks.create({ ...body, scope: scopeOf(c, c.req.valid('query'), body.scope) });
      return c.json(wire(task), 201);
    },
    routeHook,
  );

  app.openapi(
    claimRoute,
    async (c) => {
      const body = c.req.valid('json');
      publicQueue(body.queue);
      const scope = scopeOf(c, c.req.valid('query'), body.scope);
      const items = await tasks.claim({ ...body, limit: body.limit ?? 1, scope });
      return c.json(wire({ items: Array.isArray(items) ? items : items ? [items] : [] }), 200);
    },
    routeHook,
  );

  const act = <B extends object>(
    route: ReturnType<typeof actionRoute>,
    run: (input: B & { id: string; scope: Scope }) => Promise<unknown>,
  ) =>
    app.openapi(
      route,
      async (c) => {
        const body = (c.req.valid('json') ?? {}) as B & { scope?: Scope };
        const { id } = c.req.valid('param');
        const scope = scopeOf(c, c.req.valid('query'), body.scope);
        return c.json(wire((await run({ ...body, id, scope })) as never), 200);
      },
      routeHook,
    );
  act(heartbeatRoute, (i) => tasks.heartbeat(i));
  act(completeRoute, (i) => tasks.complete(i));
  act<{ error: string }>(failRoute, (i) => tasks.fail(i));
  act(releaseRoute, (i) => tasks.release(i));
  act(cancelRoute, (i) => tasks.cancel(i));

  app.openapi(
    listRoute,
    async (c) => {
      const { scope, rest } = splitQuery(c.req.valid('query'));
      return c.json(wire({ items: await tasks.list({ ...rest, scope: scopeOf(c, scope) }) }), 200);
    },
    routeHook,
  );

  app.openapi(
    getRoute,
    async (c) => {
      const { id } = c.req.valid('param');
      return c.json(wire(await tasks.get({ id, scope: scopeOf(c, c.req.valid('query')) })), 200);
    },
    routeHook,
  );
};
