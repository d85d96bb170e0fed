import { ConflictError, isMnemoError } from '../errors.js';
import { taskResult } from './tasks-fields.js';
import type { Task } from './tasks-schema.js';
import { resolveWorkerOptions, type Worker, type WorkerOptions } from './worker-options.js';

export type { Worker, WorkerContext, WorkerOptions } from './worker-options.js';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)) || 'handler failed';

/**
 * Runs a queue's tasks through `handler`: claims (batch, `for update skip locked`),
 * heartbeats at lease/3, completes with the handler's result or fails with its error
 * message (retried with backoff by the queue). Works on the claim source of the options
 * (`tasks`, in process or remote, or its own `source`): on a local store it wakes at
 * once on LISTEN/NOTIFY when a task is created; it polls as a safety net.
 *
 * @example
 * const w = runWorker({
 *   tasks: mem.tasks, queue: 'crawl', concurrency: 4, handleSignals: true,
 *   handler: async (task, { signal }) => ({ status: (await fetch(task.payload.url, { signal })).status }),
 * });
 * await w.done; // after SIGTERM or w.close()
 */
export function runWorker(opts: WorkerOptions): Worker {
  const { o, agent, concurrency, lease, source } = resolveWorkerOptions(opts);
  const { handler } = opts;
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

  /** A task leaves its slot: stop its heartbeats, free the slot, let the loop claim. */
  function finish(r: Running): void {
    clearInterval(r.timer);
    running.delete(r.task.id);
    r.finished();
    wake();
  }

  // Results that arrive in the same tick are completed together, and the freed slots
  // refilled, together (one statement on a local store): one round trip for many tasks.
  let pending: { r: Running; result: unknown }[] = [];
  async function flush(): Promise<void> {
    const batch = pending;
    pending = [];
    const live = batch.filter((b) => !b.r.released && !b.r.ac.signal.aborted);
    try {
      if (live.length) {
        const res = await source.complete(
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
        await source.heartbeat(task);
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
          await source.fail(task, message(e)).catch((err) => report(err, task));
        return finish(r);
      }
      if (r.released || ac.signal.aborted) return finish(r);
      const ok = taskResult.safeParse(result === undefined ? null : result);
      if (!ok.success) {
        const why = ok.error.issues[0]?.message ?? 'not JSON';
        await source
          .fail(task, `the handler's result cannot be stored: it ${why}`, false)
          .catch((err) => report(err, task));
        return finish(r);
      }
      pending.push({ r, result: ok.data });
      if (pending.length === 1) setImmediate(() => void flush());
    })();
  }

  async function loop(): Promise<void> {
    const unlisten = await source.watch(wake).catch((e) => {
      report(e);
      return null;
    });
    try {
      while (!stopping) {
        woken = false;
        const free = concurrency - running.size;
        if (free > 0) {
          try {
            const batch = await source.claim(free);
            for (const t of batch) {
              if (stopping) await source.release(t).catch((e) => report(e, t));
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
        await source.release(r.task).catch((e) => report(e, r.task));
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
