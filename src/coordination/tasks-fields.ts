/**
 * The field schemas and limits of the task queue, and its one rule about queue names
 * (`mnemo.*` is mnemo's own): shared by the inputs (tasks-schema.ts), the worker and the
 * internal claim source.
 */
import { z } from 'zod';
import { InvalidInputError } from '../errors.js';
import { jsonValue, LIMITS } from '../validation.js';

/**
 * The statuses of a task, declared once (inputs, the output schema, the MCP and CLI enums):
 * open (waiting), claimed (leased by an agent), then done, failed or cancelled.
 *
 * @example
 * TASK_STATUSES.includes('done') // => true
 */
export const TASK_STATUSES = ['open', 'claimed', 'done', 'failed', 'cancelled'] as const;

/**
 * Status of a task.
 *
 * @example
 * const s: TaskStatus = 'claimed';
 */
export type TaskStatus = (typeof TASK_STATUSES)[number];

/**
 * Queues named `mnemo.*` are mnemo's own background queues (`mnemo.extract`,
 * `mnemo.consolidate`): the one place that says so. Callers of the served API may not
 * fill or claim them ({@link refuseOwnQueue}); only mnemo's internal worker claims them,
 * across tenants.
 *
 * @example
 * isOwnQueue('mnemo.extract') // => true
 */
export function isOwnQueue(queue: string): boolean {
  return queue.startsWith('mnemo.');
}

/**
 * Refuses one of mnemo's own queues to a caller of the served API (HTTP, MCP).
 *
 * @example
 * refuseOwnQueue({ queue: 'crawl' }); // ok; { queue: 'mnemo.extract' } throws invalid_input
 */
export function refuseOwnQueue(input: { queue?: unknown }): void {
  const queue = String(input.queue ?? '');
  if (isOwnQueue(queue))
    throw new InvalidInputError(
      `"queue": "${queue}" is reserved for mnemo's background jobs (queues named mnemo.*): use another name`,
      'queue',
    );
}

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
 * await tasks.claimBatch({ queue: 'q', agent: 'w', limit: MAX_TASK_BATCH });
 */
export const MAX_TASK_BATCH = 1000;

/**
 * A non-empty short text up to `max` characters.
 *
 * @example
 * text().parse('w1');
 */
export const text = (max: number = LIMITS.shortText) =>
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

/**
 * A JSON value up to LIMITS.jsonBytes (payloads, results).
 *
 * @example
 * jsonSized.safeParse({ url: 'https://example.org' }).success // => true
 */
export const jsonSized = jsonValue.refine(
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
