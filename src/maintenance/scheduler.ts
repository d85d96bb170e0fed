/**
 * A small periodic scheduler on the task queue: named jobs `{ name, everyMs, run }` that
 * run once per period across every process on one database (see docs/operations.md,
 * "How scheduling works across processes").
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { type Clock, systemClock } from '../clock.js';
import { claimTasks } from '../coordination/tasks-claim-queries.js';
import { completeTask, failTask, heartbeatTask, insertTask } from '../coordination/tasks-queries.js';
import type { Db } from '../db/db.js';
import { InvalidInputError } from '../errors.js';
import { lockPeriodKey, periodTaskExists } from './scheduler-queries.js';

/**
 * One periodic job. Its period starts at multiples of `everyMs` since the Unix epoch
 * (UTC): `24h` runs once per UTC day, as soon after midnight as a scheduler ticks.
 *
 * @example
 * const job: ScheduledJob = { name: 'maintain', everyMs: 86_400_000, run: () => maintain(db) };
 */
export interface ScheduledJob {
  /** Lowercase letters, digits and dashes; the queue is `mnemo.schedule.<name>`. */
  name: string;
  everyMs: number;
  /** The work; what it resolves to is kept as the task's result (JSON). */
  run(ctx: { periodStart: Date }): Promise<unknown>;
  /** How long a run may go without a heartbeat before another process takes it over; default 300 s. */
  leaseSeconds?: number;
  /** Runs of a period before it is given up (a failure is retried with backoff); default 3. */
  maxAttempts?: number;
}

/**
 * A started scheduler.
 *
 * @example
 * const s = startScheduler({ db, jobs }); await s.stop();
 */
export interface Scheduler {
  /** One round now: creates each job's task of the current period if none ever was, runs what it claims. */
  tick(): Promise<void>;
  /** Stops ticking and waits for a run in progress to end. */
  stop(): Promise<void>;
}

/**
 * The tenant of the scheduler's tasks: empty, which no scope can name (a tenant must not
 * be empty), so they belong to the store, never show in a tenant's task list, and a
 * request's tenant transaction (row-level security) cannot see them.
 *
 * @example
 * await db.query("select * from tasks where tenant_id = $1 and queue like 'mnemo.schedule.%'", [SCHEDULE_TENANT]);
 */
export const SCHEDULE_TENANT = '';

/**
 * The queue of a job's tasks.
 *
 * @example
 * scheduleQueue('maintain') // => 'mnemo.schedule.maintain'
 */
export const scheduleQueue = (name: string) => `mnemo.schedule.${name}`;

/** Start of the period `now` falls in. */
const periodOf = (now: Date, everyMs: number) => new Date(Math.floor(now.getTime() / everyMs) * everyMs);

/**
 * Starts the scheduler: every `tickMs` (default: a minute, or half the shortest period
 * if shorter; the first round one tick after the start) each process makes sure the current period's task of each job exists
 * (created once per period across processes, under an advisory lock, and never again
 * once it ran) and claims due tasks of its jobs' queues; the queue's claim (`for update
 * skip locked`) gives each task to one process. A run heartbeats its lease; if its
 * process dies, the lease lapses and another process runs it again (at least once).
 *
 * @example
 * const s = startScheduler({ db: mem.db, jobs: [{ name: 'maintain', everyMs: 86_400_000, run: () => maintain(mem) }] });
 * server.onClose(() => s.stop());
 */
export function startScheduler(opts: {
  db: Db;
  jobs: ScheduledJob[];
  clock?: Clock;
  tickMs?: number;
  /** Told about each run's end (a log line). */
  onRun?: (e: { job: string; periodStart: Date; ok: boolean; result?: unknown; error?: string }) => void;
}): Scheduler {
  const { db, jobs } = opts;
  const clock = opts.clock ?? systemClock;
  const names = new Set<string>();
  for (const j of jobs) {
    if (!/^[a-z][a-z0-9-]{0,40}$/.test(j.name) || names.has(j.name))
      throw new InvalidInputError(
        `scheduled job "${j.name}": a unique name of lowercase letters, digits, dashes`,
        'name',
      );
    if (!(Number.isInteger(j.everyMs) && j.everyMs >= 1000))
      throw new InvalidInputError(
        `scheduled job "${j.name}": everyMs must be a whole number of at least 1000`,
        'everyMs',
      );
    names.add(j.name);
  }
  const agent = `scheduler:${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const ensured = new Map<string, number>();
  const tickMs = opts.tickMs ?? Math.min(60_000, ...jobs.map((j) => Math.floor(j.everyMs / 2)));
  let running: Promise<void> | null = null;
  let stopped = false;

  /** Creates the period's task unless one ever existed; once per period per process. */
  async function ensure(job: ScheduledJob, now: Date): Promise<void> {
    const start = periodOf(now, job.everyMs);
    if (ensured.get(job.name) === start.getTime()) return;
    const queue = scheduleQueue(job.name);
    const dedupeKey = `${job.name}:${start.toISOString()}`;
    await db.transaction(async (tx) => {
      await lockPeriodKey(tx, dedupeKey);
      if (await periodTaskExists(tx, { tenant: SCHEDULE_TENANT, queue, dedupeKey })) return;
      await insertTask(tx, {
        tenant: SCHEDULE_TENANT,
        user: '',
        agent: '',
        queue,
        dedupeKey,
        payload: { job: job.name, periodStart: start.toISOString() },
        priority: 0,
        runAfter: now,
        maxAttempts: job.maxAttempts ?? 3,
        now,
      });
    });
    ensured.set(job.name, start.getTime());
  }

  async function runClaimed(job: ScheduledJob): Promise<void> {
    const leaseSeconds = job.leaseSeconds ?? 300;
    const [task] = await claimTasks(db, {
      tenant: SCHEDULE_TENANT,
      queue: scheduleQueue(job.name),
      agent,
      leaseSeconds,
      limit: 1,
      now: clock.now(),
    });
    if (!task) return;
    const held = () => ({ tenant: SCHEDULE_TENANT, id: task.id, agent, now: clock.now() });
    const beat = setInterval(
      () => void heartbeatTask(db, { ...held(), leaseSeconds }).catch(() => {}),
      (leaseSeconds * 1000) / 3,
    );
    const periodStart = new Date(String((task.payload as { periodStart?: string }).periodStart));
    try {
      const result = await job.run({ periodStart });
      await completeTask(db, { ...held(), result: result ?? null });
      opts.onRun?.({ job: job.name, periodStart, ok: true, result });
    } catch (e) {
      const error = (e as Error).message;
      await failTask(db, { ...held(), error, retry: true, backoffBaseMs: 15_000, backoffMaxMs: 3_600_000 });
      opts.onRun?.({ job: job.name, periodStart, ok: false, error });
    } finally {
      clearInterval(beat);
    }
  }

  async function tick(): Promise<void> {
    for (const job of jobs) {
      if (stopped) return;
      await ensure(job, clock.now());
      await runClaimed(job);
    }
  }

  const guarded = () => {
    if (running || stopped) return;
    running = tick()
      .catch((e: Error) =>
        opts.onRun?.({ job: '(scheduler)', periodStart: clock.now(), ok: false, error: e.message }),
      )
      .finally(() => {
        running = null;
      });
  };
  // The first round comes one tick after the start, not at once: a server starting up (or a
  // test's short-lived one) is not slowed by VACUUM; `tick()` runs one now.
  // The timer keeps the process alive until stop(), as a server's listening socket does.
  const timer = setInterval(guarded, tickMs);
  return {
    tick: async () => {
      while (running) await running;
      await tick();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      while (running) await running;
    },
  };
}
