/**
 * The formation worker: runs mnemo's own background tasks, `mnemo.extract` (queued by
 * `ingest`) and `mnemo.consolidate` (queued on demand or on a schedule), for every
 * tenant of the store, on the durable task queue (leases, heartbeats, retries).
 */

import { z } from 'zod';
import { type Clock, systemClock } from '../clock.js';
import type { Task } from '../coordination/tasks-schema.js';
import { ownQueueSource } from '../coordination/tasks-sources.js';
import { runWorker, type Worker, type WorkerContext } from '../coordination/worker-runner.js';
import { InvalidInputError } from '../errors.js';
import { scopeSchema } from '../scope.js';
import { parse } from '../validation.js';
import { CONSOLIDATE_QUEUE, type ConsolidationResult } from './consolidation-schema.js';
import { createConsolidate, scheduleConsolidation } from './consolidation-service.js';
import { EXTRACT_QUEUE, type ExtractionResult, type FormationDeps } from './extraction-schema.js';
import { runExtraction } from './extraction-service.js';

/**
 * What the worker needs: a Memory has all of it.
 *
 * @example
 * const host: FormationHost = mem; startFormationWorker(host);
 */
export type FormationHost = Omit<FormationDeps, 'clock'> & { clock?: Clock };

/**
 * Options of {@link startFormationWorker}.
 *
 * @example
 * const o: FormationWorkerOptions = { queues: ['mnemo.consolidate'], concurrency: 2, handleSignals: true };
 */
export interface FormationWorkerOptions {
  /** Queues to run; default both (`mnemo.extract` only when an LLM is configured). */
  queues?: (typeof EXTRACT_QUEUE | typeof CONSOLIDATE_QUEUE)[];
  /** Tasks run at once per queue; default 1. */
  concurrency?: number;
  /** Lease per claim in seconds (heartbeats every third of it); default 120. */
  leaseSeconds?: number;
  /** Safety-net polling when no NOTIFY arrives, in ms; default 1000. */
  pollIntervalMs?: number;
  /** Agent id recorded as the claimer; default host:pid:random. */
  agent?: string;
  /** Stop gracefully on SIGTERM and SIGINT; default false. */
  handleSignals?: boolean;
  /** Errors the runner cannot put on a task (database down); default stderr. */
  onError?: (error: unknown, task?: Task) => void;
}

const consolidatePayloadSchema = z.object({
  scope: scopeSchema,
  olderThanSeconds: z.number().int().min(0).optional(),
  everySeconds: z.number().int().min(60).optional(),
});

/**
 * Runs one formation task and returns its result (stored on the task). The payload's
 * tenant is always the task's: a payload never reaches another tenant. Throws when the
 * work fails (model unreachable or still malformed after retries): the queue records the
 * error and retries the task until its max attempts.
 *
 * @example
 * const task = await mem.tasks.claim({ scope: { tenant: 'acme' }, queue: 'mnemo.extract', agent: 'me' });
 * if (task) await mem.tasks.complete({ id: task.id, agent: 'me', result: await runFormationTask(deps, task) });
 */
export async function runFormationTask(
  deps: FormationDeps,
  task: Task,
  ctx: Partial<WorkerContext> = {},
): Promise<ExtractionResult | ConsolidationResult> {
  const raw = (task.payload ?? {}) as { scope?: Record<string, unknown> };
  const payload = { ...raw, scope: { ...(raw.scope ?? {}), tenant: task.tenant } };
  if (task.queue === EXTRACT_QUEUE)
    return runExtraction(deps, payload as never, ctx.signal ? { signal: ctx.signal } : {});
  if (task.queue === CONSOLIDATE_QUEUE) {
    const p = parse(consolidatePayloadSchema, payload, 'payload');
    const r = await createConsolidate(deps)({
      scope: p.scope,
      ...(p.olderThanSeconds !== undefined ? { olderThanSeconds: p.olderThanSeconds } : {}),
    });
    if (p.everySeconds !== undefined)
      await scheduleConsolidation(
        deps.tasks,
        {
          scope: p.scope,
          everySeconds: p.everySeconds,
          runAfter: new Date(deps.clock.now().getTime() + p.everySeconds * 1000),
          ...(p.olderThanSeconds !== undefined ? { olderThanSeconds: p.olderThanSeconds } : {}),
        },
        deps.clock.now(),
      );
    return r;
  }
  throw new InvalidInputError(`"queue": ${task.queue} is not a formation queue`, 'queue');
}

/**
 * Starts the formation worker on a store: one runner per queue, claiming tasks of every
 * tenant. Without an LLM only `mnemo.consolidate` runs (extraction needs a model: pass
 * `queues: ['mnemo.consolidate']` to say so explicitly, or configure one).
 *
 * @example
 * const mem = await createMemory();              // MNEMO_LLM_BASE_URL and MNEMO_LLM_MODEL set
 * const worker = startFormationWorker(mem, { handleSignals: true });
 * await mem.ingest({ scope: { user: 'alice' }, messages });   // extracted in the background
 * await worker.close();
 */
export function startFormationWorker(host: FormationHost, options: FormationWorkerOptions = {}): Worker {
  const deps: FormationDeps = { ...host, clock: host.clock ?? systemClock };
  const queues = options.queues ?? (deps.llm ? [EXTRACT_QUEUE, CONSOLIDATE_QUEUE] : [CONSOLIDATE_QUEUE]);
  if (!queues.length)
    throw new InvalidInputError(
      `"queues": give at least one of ${EXTRACT_QUEUE}, ${CONSOLIDATE_QUEUE}`,
      'queues',
    );
  queues.forEach((q, n) => {
    if (q !== EXTRACT_QUEUE && q !== CONSOLIDATE_QUEUE)
      throw new InvalidInputError(
        `"queues.${n}": must be ${EXTRACT_QUEUE} or ${CONSOLIDATE_QUEUE}`,
        `queues.${n}`,
      );
  });
  if (queues.includes(EXTRACT_QUEUE) && !deps.llm)
    throw new InvalidInputError(
      `"llm": ${EXTRACT_QUEUE} needs an LLM: set MNEMO_LLM_BASE_URL and MNEMO_LLM_MODEL (docs/llm.md)`,
      'llm',
    );
  // mnemo's own queues: one worker serves every tenant's tasks, each in its tenant.
  const source = ownQueueSource(deps);
  const workers = queues.map((queue) =>
    runWorker({
      source,
      queue,
      handler: (task, ctx) => runFormationTask(deps, task, ctx) as Promise<unknown>,
      leaseSeconds: options.leaseSeconds ?? 120,
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
      ...(options.agent !== undefined ? { agent: options.agent } : {}),
      ...(options.handleSignals !== undefined ? { handleSignals: options.handleSignals } : {}),
      ...(options.onError ? { onError: options.onError } : {}),
    }),
  );
  const close = async () => {
    await Promise.all(workers.map((w) => w.close()));
  };
  return {
    agent: workers[0]?.agent ?? options.agent ?? '',
    close,
    done: Promise.all(workers.map((w) => w.done)).then(() => undefined),
  };
}
