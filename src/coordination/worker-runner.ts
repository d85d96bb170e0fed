import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import { ConflictError, InvalidInputError, isMnemoError } from '../errors.js';
import { type Scope, scopeSchema } from '../scope.js';
import { parse } from '../validation.js';
import { agentId, leaseSeconds, queueName, type Task, taskResult } from './tasks-schema.js';
import type { Tasks } from './tasks-service.js';

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
 * Options of {@link runWorker}.
 *
 * @example
 * const opts: WorkerOptions = { tasks: mem.tasks, queue: 'crawl', concurrency: 8, handler: async () => null };
 */
export interface WorkerOptions {
  tasks: Tasks;
  scope?: Scope;
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
  /**
   * Internal, for mnemo's own background queues (`mnemo.*`): claim the tasks of every
   * tenant (`tasks.claimAcrossTenants`) and act on each in its own tenant.
   */
  acrossTenants?: boolean;
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
  acrossTenants: z.boolean().optional(),
});

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)) || 'handler failed';

/**
 * Runs a queue's tasks through `handler`: claims (batch, `for update skip locked`),
 * heartbeats at lease/3, completes with the handler's result or fails with its error
 * message (retried with backoff by the queue). Wakes at once on LISTEN/NOTIFY when a
 * task is created, and polls as a safety net.
 *
 * @example
 * const w = runWorker({
 *   tasks: mem.tasks, queue: 'crawl', concurrency: 4, handleSignals: true,
 *   handler: async (task, { signal }) => ({ status: (await fetch(task.payload.url, { signal })).status }),
 * });
 * await w.done; // after SIGTERM or w.close()
 */
export function runWorker(opts: WorkerOptions): Worker {
  const o = parse(optionsSchema, {
    scope: opts.scope,
    queue: opts.queue,
    agent: opts.agent,
    concurrency: opts.concurrency,
    leaseSeconds: opts.leaseSeconds,
    pollIntervalMs: opts.pollIntervalMs,
    graceMs: opts.graceMs,
    handleSignals: opts.handleSignals,
    acrossTenants: opts.acrossTenants,
  });
  if (typeof opts.handler !== 'function')
    throw new InvalidInputError(
      '"handler": give an async function (task, { signal, heartbeat }) => result',
      'handler',
    );
  const { tasks, handler } = opts;
  const scope = o.scope;
  const queue = o.queue;
  const agent = o.agent || o.scope.agent || `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const concurrency = o.concurrency ?? 1;
  const lease = o.leaseSeconds ?? 30;
  const pollMs = o.pollIntervalMs ?? 1000;
  const graceMs = o.graceMs ?? 10_000;
  const report =
    opts.onError ??
    ((e: unknown, t?: Task) =>
      process.stderr.write(`mnemo worker ${agent}${t ? ` task ${t.id}` : ''}: ${message(e)}\n`));

  type Running = {
    task: Task;
    ac: AbortController;
    released: boolean;
    /** Resolves when the task has left its slot. */
    promise: Promise<void>;
    finished: () => void;
    timer?: NodeJS.Timeout;
  };
  const running = new Map<string, Running>();
  let stopping = false;
  let woken = false;
  let waiter: (() => void) | null = null;
  const wake = () => {
    woken = true;
    const w = waiter;
    waiter = null;
    w?.();
  };
  const sleep = () =>
    new Promise<void>((resolve) => {
      if (woken || stopping) return resolve();
      const t = setTimeout(() => {
        waiter = null;
        resolve();
      }, pollMs);
      waiter = () => {
        clearTimeout(t);
        resolve();
      };
    });

  const across = o.acrossTenants ?? false;
  /** The scope a task is acted on in: its own tenant when claiming across tenants. */
  const scopeOf = (task: Task) => (across ? { tenant: task.tenant } : scope);
  const ids = (task: Task) => ({ scope: scopeOf(task), id: task.id, agent });
  const claim = (limit: number) =>
    across
      ? tasks.claimAcrossTenants(queue, agent, { leaseSeconds: lease, limit })
      : tasks.claim({ scope, queue, agent, leaseSeconds: lease, limit });

  /** Completes finished tasks and claims as many new ones, per tenant when claiming across tenants. */
  async function completeAndRefill(items: { task: Task; result: unknown }[], refill: number) {
    if (!across)
      return tasks.completeBatch({
        scope,
        agent,
        items: items.map((b) => ({ id: b.task.id, result: b.result })),
        queue,
        leaseSeconds: lease,
        limit: refill,
      });
    const out = { lost: [] as string[], claimed: [] as Task[] };
    const byTenant = new Map<string, typeof items>();
    for (const b of items) byTenant.set(b.task.tenant, [...(byTenant.get(b.task.tenant) ?? []), b]);
    for (const [tenant, group] of byTenant) {
      const res = await tasks.completeBatch({
        scope: { tenant },
        agent,
        items: group.map((b) => ({ id: b.task.id, result: b.result })),
        limit: 0,
      });
      out.lost.push(...res.lost);
    }
    if (refill > 0) out.claimed = await claim(refill);
    return out;
  }

  /** A task leaves its slot: stop its heartbeats, free the slot, let the loop claim. */
  function finish(r: Running): void {
    clearInterval(r.timer);
    running.delete(r.task.id);
    r.finished();
    wake();
  }

  // Results that arrive in the same tick are completed together, and the freed slots
  // refilled, in one statement (tasks.completeBatch): one round trip for many tasks.
  let pending: { r: Running; result: unknown }[] = [];
  async function flush(): Promise<void> {
    const batch = pending;
    pending = [];
    const live = batch.filter((b) => !b.r.released && !b.r.ac.signal.aborted);
    try {
      if (live.length) {
        const res = await completeAndRefill(
          live.map((b) => ({ task: b.r.task, result: b.result })),
          stopping ? 0 : live.length,
        );
        for (const t of res.claimed) start(t);
        for (const id of res.lost)
          report(
            new ConflictError(`lease lost: task ${id} was not completed (its lease expired or it was taken)`),
            live.find((b) => b.r.task.id === id)?.r.task,
          );
      }
    } catch (e) {
      report(e);
    } finally {
      for (const b of batch) finish(b.r);
    }
  }

  function start(task: Task): void {
    const ac = new AbortController();
    let finished!: () => void;
    const promise = new Promise<void>((res) => {
      finished = res;
    });
    const r: Running = { task, ac, released: false, promise, finished };
    const beat = async () => {
      try {
        await tasks.heartbeat({ ...ids(task), leaseSeconds: lease });
      } catch (e) {
        if (isMnemoError(e) && (e.code === 'conflict' || e.code === 'not_found')) ac.abort(e);
        throw e;
      }
    };
    r.timer = setInterval(
      () => {
        if (!ac.signal.aborted) beat().catch((e) => report(e, task));
      },
      (lease * 1000) / 3,
    );
    running.set(task.id, r);
    void (async () => {
      let result: unknown;
      try {
        result = await handler(task, { signal: ac.signal, heartbeat: beat });
      } catch (e) {
        if (!r.released && !ac.signal.aborted)
          await tasks.fail({ ...ids(task), error: message(e) }).catch((err) => report(err, task));
        return finish(r);
      }
      if (r.released || ac.signal.aborted) return finish(r);
      const ok = taskResult.safeParse(result === undefined ? null : result);
      if (!ok.success) {
        const why = ok.error.issues[0]?.message ?? 'not JSON';
        await tasks
          .fail({ ...ids(task), error: `the handler's result cannot be stored: it ${why}`, retry: false })
          .catch((err) => report(err, task));
        return finish(r);
      }
      pending.push({ r, result: ok.data });
      if (pending.length === 1) setImmediate(() => void flush());
    })();
  }

  async function loop(): Promise<void> {
    const unlisten = await tasks.listen({ scope, queue }, wake).catch((e) => {
      report(e);
      return null;
    });
    try {
      while (!stopping) {
        woken = false;
        const free = concurrency - running.size;
        if (free > 0) {
          try {
            const batch = await claim(free);
            for (const t of batch) {
              if (stopping) await tasks.release(ids(t)).catch((e) => report(e, t));
              else start(t);
            }
            // A full batch means more may be due: claim again as soon as a slot frees.
            if (batch.length === free && running.size < concurrency) continue;
          } catch (e) {
            report(e);
          }
        }
        await sleep();
      }
    } finally {
      await unlisten?.().catch(() => {});
    }
  }

  const looping = loop().catch((e) => report(e));
  let closing: Promise<void> | null = null;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => {
    resolveDone = r;
  });
  const onSignal = () => void close();

  function close(): Promise<void> {
    if (closing) return closing;
    stopping = true;
    wake();
    closing = (async () => {
      await looping;
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((r) => {
        timer = setTimeout(r, graceMs);
      });
      await Promise.race([Promise.all([...running.values()].map((r) => r.promise)), grace]);
      clearTimeout(timer);
      for (const r of running.values()) {
        r.released = true;
        clearInterval(r.timer);
        r.ac.abort(new Error('worker shutting down: task given back to the queue'));
        await tasks.release(ids(r.task)).catch((e) => report(e, r.task));
      }
      if (o.handleSignals) {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      }
      resolveDone();
    })();
    return closing;
  }

  if (o.handleSignals) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  return { agent, close, done };
}
