/**
 * The task queue operations: `memory.tasks.*` over HTTP (`/v1/tasks`), the remote client
 * and MCP. mnemo's own queues (`mnemo.*`) are refused to callers of the served API
 * (`guard`: refuseOwnQueue); the in-process API fills them (ingest, consolidation).
 */
import { z } from 'zod';
import {
  cancelTaskSchema,
  claimBatchSchema,
  claimTaskSchema,
  completeTaskSchema,
  createTaskSchema,
  failTaskSchema,
  getTaskSchema,
  heartbeatTaskSchema,
  listTasksSchema,
  refuseOwnQueue,
  releaseTaskSchema,
  type Task,
  taskSchema,
} from '../coordination/tasks-schema.js';
import { defineOperation } from './operation.js';

const missing = 'no such task in this tenant';
const notHeld = 'the lease is not held by this agent (expired, or claimed by another)';
const guard = (input: Record<string, unknown>) => refuseOwnQueue(input);

/** One action on a task by id: `POST /v1/tasks/{id}/<action>`, answering the task. */
function action(
  method: 'heartbeat' | 'complete' | 'fail' | 'release' | 'cancel',
  input: z.ZodObject,
  summary: string,
  more: { bodyRequired?: boolean; tool?: Parameters<typeof defineOperation>[0]['tool'] } = {},
) {
  return defineOperation({
    id: `tasks${method[0]?.toUpperCase()}${method.slice(1)}`,
    area: 'tasks',
    method,
    access: 'write',
    input,
    output: taskSchema,
    http: {
      method: 'post',
      path: `/v1/tasks/{id}/${method}`,
      summary,
      response: 'the task',
      errors: { 404: missing, 409: notHeld },
      ...(more.bodyRequired ? {} : { bodyOptional: true }),
    },
    ...(more.tool ? { tool: more.tool } : {}),
  });
}

/**
 * Every tasks operation, in the order the OpenAPI document lists them.
 *
 * @example
 * TASKS_OPERATIONS.map((o) => o.id) // ['tasksCreate', 'tasksClaim', ...]
 */
export const TASKS_OPERATIONS = [
  defineOperation({
    id: 'tasksCreate',
    area: 'tasks',
    method: 'create',
    access: 'write',
    input: createTaskSchema,
    output: taskSchema,
    guard,
    http: {
      method: 'post',
      path: '/v1/tasks',
      status: 201,
      summary: 'Create a task (a dedupeKey already open or claimed in the queue returns that task)',
      response: 'the task',
    },
    tool: {
      name: 'task_create',
      title: 'Create a task',
      description:
        'Put a unit of work on a queue for any agent to claim. With a dedupeKey, a task with the same key still open or claimed is returned instead of a duplicate. ' +
        'Returns the task (status open).',
    },
  }),
  defineOperation({
    id: 'tasksClaim',
    area: 'tasks',
    method: 'claimBatch',
    access: 'write',
    input: claimBatchSchema,
    output: z.array(taskSchema),
    guard,
    // `tasks.claim` (one task or null) travels over the same route, with a batch of one.
    alias: {
      method: 'claim',
      input: claimTaskSchema,
      result: (items) => (items as Task[])[0] ?? null,
    },
    http: {
      method: 'post',
      path: '/v1/tasks/claim',
      summary: 'Claim the next open task(s) of a queue with a lease (atomic: no task goes to two agents)',
      response: 'the claimed tasks (none when the queue is empty): `limit` of them at most, default 1',
      envelope: 'items',
    },
    tool: {
      name: 'task_claim',
      title: 'Claim a task',
      description:
        'Take the next due task of a queue for yourself, atomically: no other agent gets it while your lease lasts. ' +
        'Call it when you are ready to work; finish with task_complete (or task_fail). A task whose lease expires goes back to the queue. ' +
        'Returns { task } with the task, or { task: null } when nothing is due.',
      omit: ['limit'],
      data: (items) => {
        const task = (items as Task[])[0];
        return { task: task ? (z.encode(taskSchema, task) as Record<string, unknown>) : null };
      },
    },
  }),
  action('heartbeat', heartbeatTaskSchema, 'Extend the lease of a claimed task'),
  action('complete', completeTaskSchema, 'Complete a claimed task with its result', {
    tool: {
      name: 'task_complete',
      title: 'Complete a task',
      description:
        'Mark a task you claimed as done, with its result. Fails with a conflict if your lease was lost (another agent may have it now). Returns the task (status done).',
    },
  }),
  action(
    'fail',
    failTaskSchema,
    'Fail a claimed task (retried with backoff while attempts are left, unless retry: false)',
    {
      bodyRequired: true,
      tool: {
        name: 'task_fail',
        title: 'Fail a task',
        description:
          'Report that a task you claimed failed: it is retried later with backoff until its attempts run out, or fails for good with retry: false. Returns the task.',
      },
    },
  ),
  action('release', releaseTaskSchema, 'Give a claimed task back without counting the attempt'),
  action('cancel', cancelTaskSchema, 'Cancel an open or claimed task'),
  defineOperation({
    id: 'tasksList',
    area: 'tasks',
    method: 'list',
    access: 'read',
    input: listTasksSchema,
    output: z.array(taskSchema),
    http: {
      method: 'get',
      path: '/v1/tasks',
      summary: 'Tasks of the tenant, newest first',
      response: 'the tasks',
      envelope: 'items',
    },
  }),
  defineOperation({
    id: 'tasksGet',
    area: 'tasks',
    method: 'get',
    access: 'read',
    input: getTaskSchema,
    output: taskSchema,
    absent: { field: 'id', what: 'task' },
    http: {
      method: 'get',
      path: '/v1/tasks/{id}',
      summary: 'Get a task',
      response: 'the task',
      errors: { 404: missing },
    },
  }),
];
