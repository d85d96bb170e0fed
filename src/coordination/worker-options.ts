/**
 * The options of `runWorker`, checked once: the queue, the agent, the lease and the claim
 * source the worker runs on.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import { InvalidInputError } from '../errors.js';
import { type Scope, scopeSchema } from '../scope.js';
import { parse } from '../validation.js';
import type { Tasks } from './tasks-api.js';
import { agentId, leaseSeconds, queueName } from './tasks-fields.js';
import type { Task } from './tasks-schema.js';
import { type ClaimSource, type ClaimSourceOptions, tenantSource } from './tasks-sources.js';

/**
 * What a handler gets besides its task.
 *
 * @example
 * const handler = async (task: Task, { signal, heartbeat }: WorkerContext) => { await heartbeat(); return signal.aborted; };
 */
export interface WorkerContext {
  /** Aborted when the lease is lost or the worker gives the task back at shutdown. */
  signal: AbortSignal;
  /** Extends the lease now (the runner also does so every lease/3); throws `conflict` if it was lost. */
  heartbeat(): Promise<void>;
}

/**
 * Options of {@link runWorker}: the queue's `tasks` (a memory's, local or remote) and
 * `scope`, or a claim `source` of one's own.
 *
 * @example
 * const opts: WorkerOptions = { tasks: mem.tasks, queue: 'crawl', concurrency: 8, handler: async () => null };
 */
export interface WorkerOptions {
  /** The task queue API the worker claims through (in the tenant of `scope`). */
  tasks?: Tasks;
  scope?: Scope;
  /** @internal Instead of `tasks`: builds the claim source (mnemo's own queues use an internal one). */
  source?: (o: ClaimSourceOptions) => ClaimSource;
  queue: string;
  /** Agent id recorded as the claimer; default `scope.agent`, else `host:pid:random`. */
  agent?: string;
  /** Does the work; its resolved value (JSON) becomes the task's result, a throw fails it. */
  handler: (task: Task, ctx: WorkerContext) => Promise<unknown>;
  /** Tasks run at once (default 1). */
  concurrency?: number;
  /** Lease per claim in seconds (default 30); heartbeats every third of it. */
  leaseSeconds?: number;
  /** Safety-net polling when no NOTIFY arrives, in ms (default 1000). */
  pollIntervalMs?: number;
  /** How long close() waits for running tasks before giving them back, in ms (default 10000). */
  graceMs?: number;
  /** Stop gracefully on SIGTERM and SIGINT (default false). */
  handleSignals?: boolean;
  /** Errors the runner cannot hand to anyone else (database down, lease lost); default: stderr. */
  onError?: (error: unknown, task?: Task) => void;
}

/**
 * A running worker.
 *
 * @example
 * const w: Worker = runWorker(opts); await w.close(); await w.done;
 */
export interface Worker {
  /** The agent id it claims as. */
  readonly agent: string;
  /** Stops claiming, waits for running tasks up to the grace period, gives the rest back. */
  close(): Promise<void>;
  /** Resolves once the worker has fully stopped. */
  readonly done: Promise<void>;
}

const optionsSchema = z.object({
  scope: scopeSchema,
  queue: queueName,
  agent: agentId.optional(),
  concurrency: z.number().int('must be a whole number').min(1).max(1000).optional(),
  leaseSeconds: leaseSeconds.optional(),
  pollIntervalMs: z.number().min(10, 'must be at least 10 ms').max(3_600_000).optional(),
  graceMs: z.number().min(0).max(86_400_000).optional(),
  handleSignals: z.boolean().optional(),
});

/**
 * Checks the options of `runWorker` and fills in the defaults: the agent (the scope's,
 * else host:pid:random), the concurrency, the lease, and the claim source.
 *
 * @example
 * const { agent, source } = resolveWorkerOptions({ tasks: mem.tasks, queue: 'crawl', handler: async () => null });
 */
export function resolveWorkerOptions(opts: WorkerOptions) {
  const o = parse(optionsSchema, {
    scope: opts.scope,
    queue: opts.queue,
    agent: opts.agent,
    concurrency: opts.concurrency,
    leaseSeconds: opts.leaseSeconds,
    pollIntervalMs: opts.pollIntervalMs,
    graceMs: opts.graceMs,
    handleSignals: opts.handleSignals,
  });
  if (typeof opts.handler !== 'function')
    throw new InvalidInputError(
      '"handler": give an async function (task, { signal, heartbeat }) => result',
      'handler',
    );
  const agent = o.agent || o.scope.agent || `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const lease = o.leaseSeconds ?? 30;
  const source = sourceOf(opts, { queue: o.queue, agent, leaseSeconds: lease, scope: o.scope });
  return { o, agent, concurrency: o.concurrency ?? 1, lease, source };
}

/** The claim source of a worker: its own, else the tenant's queue through `tasks`. */
function sourceOf(opts: WorkerOptions, o: ClaimSourceOptions & { scope: Scope }): ClaimSource {
  if (opts.source) return opts.source(o);
  if (!opts.tasks)
    throw new InvalidInputError('"tasks": give the task queue to work on (mem.tasks), or a source', 'tasks');
  return tenantSource(opts.tasks, o);
}
