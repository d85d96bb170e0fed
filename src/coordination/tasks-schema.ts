import { z } from 'zod';
import { anyJsonOut, dateOut, idOut, scopeOut } from '../records.js';
import { scopeMatchSchema, scopeSchema } from '../scope.js';
import { dateInput, LIMITS, uuid } from '../validation.js';
import {
  agentId,
  jsonSized,
  leaseSeconds,
  MAX_TASK_BATCH,
  queueName,
  TASK_STATUSES,
  text,
} from './tasks-fields.js';

export {
  agentId,
  isOwnQueue,
  leaseSeconds,
  MAX_LEASE_SECONDS,
  MAX_TASK_BATCH,
  queueName,
  refuseOwnQueue,
  TASK_STATUSES,
  type TaskStatus,
  taskResult,
} from './tasks-fields.js';
/**
 * A unit of work in a queue: the one declaration of the record (its type, its JSON form
 * with dates as ISO strings, and the remote client's decoding).
 *
 * @example
 * const t: Task | null = await mem.tasks.claim({ queue: 'crawl', agent: 'w1' });
 * if (t) console.log(t.id, t.payload, t.attempts, t.leaseUntil);
 */
export const taskSchema = z
  .object({
    id: idOut,
    /** The tenant, user and agent of the scope that created it ('' = unset). */
    ...scopeOut,
    queue: z.string(),
    dedupeKey: z.string().nullable(),
    payload: anyJsonOut,
    status: z.enum(TASK_STATUSES),
    priority: z.number().int(),
    runAfter: dateOut,
    claimedBy: z.string().nullable(),
    claimedAt: dateOut.nullable(),
    leaseUntil: dateOut.nullable(),
    /** How many times the task was claimed (a released claim gives its attempt back). */
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    result: anyJsonOut,
    error: z.string().nullable(),
    createdAt: dateOut,
    updatedAt: dateOut,
    finishedAt: dateOut.nullable(),
  })
  .meta({ id: 'Task' });

/**
 * A unit of work in a queue.
 *
 * @example
 * const t: Task = await mem.tasks.create({ queue: 'crawl' });
 */
export type Task = z.output<typeof taskSchema>;

const queueField = queueName.describe('queue name: letters, digits and . _ : / -, e.g. "crawl" or "review"');
const actingAgentField = agentId
  .optional()
  .describe('the agent holding the task (default: the scope agent, else the server default agent)');
const leaseField = leaseSeconds
  .optional()
  .describe('how long the task is yours before it returns to the queue (default 30)');
const heldId = uuid.describe('the task you claimed (a uuid, as returned by an earlier call)');

/**
 * Input of `tasks.create`.
 *
 * @example
 * parse(createTaskSchema, { queue: 'crawl', payload: { url: 'https://example.org' }, dedupeKey: 'example.org' });
 */
export const createTaskSchema = z
  .object({
    scope: scopeSchema,
    queue: queueField,
    payload: jsonSized.optional().describe('what the worker needs to do the work (any JSON value)'),
    priority: z
      .number()
      .int('must be a whole number')
      .min(-1_000_000)
      .max(1_000_000)
      .optional()
      .describe('higher is claimed first (default 0)'),
    runAfter: dateInput
      .optional()
      .describe('not claimable before this time: an ISO 8601 date-time such as 2026-05-08T13:56:00Z'),
    dedupeKey: text().optional().describe('a key that makes the task unique in its queue while not finished'),
    maxAttempts: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(1000)
      .optional()
      .describe('how many claims before it fails for good (default 5)'),
  })
  .strict();

/**
 * Input of `tasks.claim` (one task or null). `agent` defaults to `scope.agent`.
 *
 * @example
 * parse(claimTaskSchema, { queue: 'crawl', agent: 'w1', leaseSeconds: 60 });
 */
export const claimTaskSchema = z
  .object({ scope: scopeSchema, queue: queueField, agent: actingAgentField, leaseSeconds: leaseField })
  .strict();

/**
 * Input of `tasks.claimBatch`: up to `limit` tasks (default 1) at once.
 *
 * @example
 * parse(claimBatchSchema, { queue: 'crawl', agent: 'w1', leaseSeconds: 60, limit: 10 });
 */
export const claimBatchSchema = claimTaskSchema
  .extend({
    limit: z
      .number()
      .int('must be a whole number')
      .min(1)
      .max(MAX_TASK_BATCH)
      .optional()
      .describe(`how many tasks to claim at most (default 1, at most ${MAX_TASK_BATCH})`),
  })
  .strict();

/**
 * Input of `tasks.heartbeat`.
 *
 * @example
 * parse(heartbeatTaskSchema, { id, agent: 'w1', leaseSeconds: 60 });
 */
export const heartbeatTaskSchema = z
  .object({ scope: scopeSchema, id: heldId, agent: actingAgentField, leaseSeconds: leaseField })
  .strict();

/**
 * Input of `tasks.complete`.
 *
 * @example
 * parse(completeTaskSchema, { id, agent: 'w1', result: { pages: 3 } });
 */
export const completeTaskSchema = z
  .object({
    scope: scopeSchema,
    id: heldId,
    agent: actingAgentField,
    result: jsonSized.optional().describe('what the work produced (any JSON value)'),
  })
  .strict();

/**
 * Input of `tasks.fail`. `retry: false` fails the task for good, whatever attempts are left.
 *
 * @example
 * parse(failTaskSchema, { id, agent: 'w1', error: 'timeout', retry: true });
 */
export const failTaskSchema = z
  .object({
    scope: scopeSchema,
    id: heldId,
    agent: actingAgentField,
    error: z.string().min(1, 'must say what went wrong').max(LIMITS.contentChars).describe('what went wrong'),
    retry: z.boolean().optional().describe('false = do not retry (default true)'),
  })
  .strict();

/**
 * Input of `tasks.release`: give a claimed task back without counting the attempt.
 *
 * @example
 * parse(releaseTaskSchema, { id, agent: 'w1' });
 */
export const releaseTaskSchema = z
  .object({ scope: scopeSchema, id: heldId, agent: actingAgentField })
  .strict();

/**
 * Input of `tasks.cancel`.
 *
 * @example
 * parse(cancelTaskSchema, { id });
 */
export const cancelTaskSchema = z.object({ scope: scopeSchema, id: uuid }).strict();

/**
 * Input of `tasks.get`.
 *
 * @example
 * parse(getTaskSchema, { scope: { tenant: 'acme' }, id });
 */
export const getTaskSchema = z.object({ scope: scopeSchema, id: uuid }).strict();

/**
 * Input of `tasks.list`: newest first.
 *
 * @example
 * parse(listTasksSchema, { queue: 'crawl', status: 'failed', limit: 20 });
 */
export const listTasksSchema = z
  .object({
    scope: scopeSchema,
    queue: queueName.optional().describe('only this queue'),
    status: z.enum(TASK_STATUSES).optional().describe('only tasks in this status'),
    claimedBy: agentId.optional().describe('only tasks claimed by this agent'),
    limit: z
      .number()
      .int('must be a whole number')
      .min(1)
      .max(MAX_TASK_BATCH)
      .optional()
      .describe(`how many to return (default 100, at most ${MAX_TASK_BATCH})`),
    /** Also filter by the creator: `given` by the scope's user and agent when set, `exact` by both. */
    scopeMatch: scopeMatchSchema
      .optional()
      .describe(
        "also filter by the creator: given = by the scope's user and agent when set, exact = by both",
      ),
  })
  .strict();

/**
 * Inputs of the task methods, as callers write them (see the schemas above).
 *
 * @example
 * const input: CreateTaskInput = { queue: 'crawl', priority: 5 };
 */
export type CreateTaskInput = z.input<typeof createTaskSchema>;
/** @example const input: ClaimTaskInput = { queue: 'crawl', agent: 'w1' }; */
export type ClaimTaskInput = z.input<typeof claimTaskSchema>;
/** @example const input: ClaimBatchInput = { queue: 'crawl', agent: 'w1', limit: 10 }; */
export type ClaimBatchInput = z.input<typeof claimBatchSchema>;
/** @example const input: HeartbeatTaskInput = { id, agent: 'w1' }; */
export type HeartbeatTaskInput = z.input<typeof heartbeatTaskSchema>;
/** @example const input: CompleteTaskInput = { id, agent: 'w1', result: 1 }; */
export type CompleteTaskInput = z.input<typeof completeTaskSchema>;
/** @example const input: FailTaskInput = { id, agent: 'w1', error: 'timeout' }; */
export type FailTaskInput = z.input<typeof failTaskSchema>;
/** @example const input: ReleaseTaskInput = { id, agent: 'w1' }; */
export type ReleaseTaskInput = z.input<typeof releaseTaskSchema>;
/** @example const input: CancelTaskInput = { id }; */
export type CancelTaskInput = z.input<typeof cancelTaskSchema>;
/** @example const input: GetTaskInput = { id }; */
export type GetTaskInput = z.input<typeof getTaskSchema>;
/** @example const input: ListTasksInput = { status: 'open' }; */
export type ListTasksInput = z.input<typeof listTasksSchema>;
