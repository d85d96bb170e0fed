import { z } from 'zod';
import { scopeMatchSchema, scopeSchema } from '../scope.js';
import { dateInput, jsonValue, LIMITS, uuid } from '../validation.js';

/**
 * Status of a task: open (waiting), claimed (leased by an agent), then done, failed or cancelled.
 *
 * @example
 * const s: TaskStatus = 'claimed';
 */
export type TaskStatus = 'open' | 'claimed' | 'done' | 'failed' | 'cancelled';

/**
 * The statuses, for validation and CLI help.
 *
 * @example
 * TASK_STATUSES.includes('done') // => true
 */
export const TASK_STATUSES = ['open', 'claimed', 'done', 'failed', 'cancelled'] as const;

/**
 * Longest lease one claim or heartbeat may take: one day.
 *
 * @example
 * await tasks.claim({ queue: 'q', agent: 'w', leaseSeconds: MAX_LEASE_SECONDS });
 */
export const MAX_LEASE_SECONDS = 86_400;

/**
 * Most tasks one batch claim or one list returns.
 *
 * @example
 * await tasks.claim({ queue: 'q', agent: 'w', limit: MAX_TASK_BATCH });
 */
export const MAX_TASK_BATCH = 1000;

/**
 * A unit of work in a queue.
 *
 * @example
 * const t: Task | null = await mem.tasks.claim({ queue: 'crawl', agent: 'w1' });
 * if (t) console.log(t.id, t.payload, t.attempts, t.leaseUntil);
 */
export interface Task {
  id: string;
  tenant: string;
  /** The user and agent of the scope that created it ('' = unset). */
  user: string;
  agent: string;
  queue: string;
  dedupeKey: string | null;
  payload: unknown;
  status: TaskStatus;
  priority: number;
  runAfter: Date;
  claimedBy: string | null;
  claimedAt: Date | null;
  leaseUntil: Date | null;
  /** How many times the task was claimed (a released claim gives its attempt back). */
  attempts: number;
  maxAttempts: number;
  result: unknown;
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

const text = (max: number = LIMITS.shortText) =>
  z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/**
 * A queue name: letters, digits and `._:/-`, e.g. `crawl`, `mnemo.extract`.
 *
 * @example
 * queueName.parse('billing.retry');
 */
export const queueName = text().regex(
  /^[A-Za-z0-9_.:/-]+$/,
  'must contain only letters, digits and . _ : / - (e.g. "crawl" or "billing.retry")',
);

/**
 * An agent id (who claims or holds a task).
 *
 * @example
 * agentId.parse('worker-1');
 */
export const agentId = text();

/**
 * Lease length in seconds: more than 0, at most one day.
 *
 * @example
 * leaseSeconds.parse(30);
 */
export const leaseSeconds = z
  .number()
  .positive('must be more than 0 seconds')
  .max(MAX_LEASE_SECONDS, `must be at most ${MAX_LEASE_SECONDS} seconds (one day)`);

const jsonSized = jsonValue.refine(
  (v) => JSON.stringify(v).length <= LIMITS.jsonBytes,
  `must be at most ${LIMITS.jsonBytes} bytes as JSON`,
);

/**
 * A task payload or result: any JSON value up to LIMITS.jsonBytes.
 *
 * @example
 * taskResult.safeParse({ pages: 3 }).success // => true
 */
export const taskResult = jsonSized;

/**
 * Input of `tasks.create`.
 *
 * @example
 * parse(createTaskSchema, { queue: 'crawl', payload: { url: 'https://example.org' }, dedupeKey: 'example.org' });
 */
export const createTaskSchema = z
  .object({
    scope: scopeSchema,
    queue: queueName,
    payload: jsonSized.optional(),
    priority: z.number().int('must be a whole number').min(-1_000_000).max(1_000_000).optional(),
    runAfter: dateInput.optional(),
    dedupeKey: text().optional(),
    maxAttempts: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1000).optional(),
  })
  .strict();

/**
 * Input of `tasks.claim`. `agent` defaults to `scope.agent`.
 *
 * @example
 * parse(claimTaskSchema, { queue: 'crawl', agent: 'w1', leaseSeconds: 60, limit: 10 });
 */
export const claimTaskSchema = z
  .object({
    scope: scopeSchema,
    queue: queueName,
    agent: agentId.optional(),
    leaseSeconds: leaseSeconds.optional(),
    limit: z.number().int('must be a whole number').min(1).max(MAX_TASK_BATCH).optional(),
  })
  .strict();

/**
 * Input of `tasks.heartbeat`.
 *
 * @example
 * parse(heartbeatTaskSchema, { id, agent: 'w1', leaseSeconds: 60 });
 */
export const heartbeatTaskSchema = z
  .object({ scope: scopeSchema, id: uuid, agent: agentId.optional(), leaseSeconds: leaseSeconds.optional() })
  .strict();

/**
 * Input of `tasks.complete`.
 *
 * @example
 * parse(completeTaskSchema, { id, agent: 'w1', result: { pages: 3 } });
 */
export const completeTaskSchema = z
  .object({ scope: scopeSchema, id: uuid, agent: agentId.optional(), result: jsonSized.optional() })
  .strict();

/**
 * Input of `tasks.completeAndClaim`: complete a held task and claim up to `limit` (default 1) more.
 *
 * @example
 * parse(completeAndClaimSchema, { id, agent: 'w1', queue: 'crawl', result: null });
 */
export const completeAndClaimSchema = completeTaskSchema
  .extend({
    queue: queueName,
    leaseSeconds: leaseSeconds.optional(),
    limit: z.number().int('must be a whole number').min(0).max(MAX_TASK_BATCH).optional(),
  })
  .strict();

/**
 * Input of `tasks.completeBatch`: complete several held tasks and claim up to `limit`
 * (default 0) more from `queue`, in one statement.
 *
 * @example
 * parse(completeBatchSchema, { agent: 'w1', items: [{ id: a }, { id: b, result: 1 }], queue: 'crawl', limit: 2 });
 */
export const completeBatchSchema = z
  .object({
    scope: scopeSchema,
    agent: agentId.optional(),
    items: z
      .array(z.object({ id: uuid, result: jsonSized.optional() }).strict())
      .min(1, 'give at least one task')
      .max(MAX_TASK_BATCH),
    queue: queueName.optional(),
    leaseSeconds: leaseSeconds.optional(),
    limit: z.number().int('must be a whole number').min(0).max(MAX_TASK_BATCH).optional(),
  })
  .strict()
  .refine((v) => !v.limit || v.queue, { message: 'give the queue to claim from', path: ['queue'] });

/**
 * Input of `tasks.fail`. `retry: false` fails the task for good, whatever attempts are left.
 *
 * @example
 * parse(failTaskSchema, { id, agent: 'w1', error: 'timeout', retry: true });
 */
export const failTaskSchema = z
  .object({
    scope: scopeSchema,
    id: uuid,
    agent: agentId.optional(),
    error: z.string().min(1, 'must say what went wrong').max(LIMITS.contentChars),
    retry: z.boolean().optional(),
  })
  .strict();

/**
 * Input of `tasks.release`: give a claimed task back without counting the attempt.
 *
 * @example
 * parse(releaseTaskSchema, { id, agent: 'w1' });
 */
export const releaseTaskSchema = z
  .object({ scope: scopeSchema, id: uuid, agent: agentId.optional() })
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
    queue: queueName.optional(),
    status: z.enum(TASK_STATUSES).optional(),
    claimedBy: agentId.optional(),
    limit: z.number().int('must be a whole number').min(1).max(MAX_TASK_BATCH).optional(),
    /** Also filter by the creator: `given` by the scope's user and agent when set, `exact` by both. */
    scopeMatch: scopeMatchSchema.optional(),
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
/** @example const input: HeartbeatTaskInput = { id, agent: 'w1' }; */
export type HeartbeatTaskInput = z.input<typeof heartbeatTaskSchema>;
/** @example const input: CompleteTaskInput = { id, agent: 'w1', result: 1 }; */
export type CompleteTaskInput = z.input<typeof completeTaskSchema>;
/** @example const input: CompleteAndClaimInput = { id, agent: 'w1', queue: 'crawl' }; */
export type CompleteAndClaimInput = z.input<typeof completeAndClaimSchema>;
/** @example const input: CompleteBatchInput = { agent: 'w1', items: [{ id }] }; */
export type CompleteBatchInput = z.input<typeof completeBatchSchema>;
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
