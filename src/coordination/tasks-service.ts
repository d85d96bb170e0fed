import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { resolveScope } from '../scope.js';
import { parse } from '../validation.js';
import type { Tasks } from './tasks-api.js';
import { claimTasks } from './tasks-claim-queries.js';
import { actingAgent, createHolderOps, DEFAULT_LEASE_SECONDS } from './tasks-holder.js';
import { cancelTask, insertTask, listTasks, selectDeduped, selectTask } from './tasks-queries.js';
import {
  type ClaimBatchInput,
  cancelTaskSchema,
  claimBatchSchema,
  claimTaskSchema,
  createTaskSchema,
  getTaskSchema,
  listTasksSchema,
  type Task,
} from './tasks-schema.js';
import { registerLocalQueue } from './tasks-sources.js';

export type { Tasks } from './tasks-api.js';

/**
 * Options of {@link createTasks}.
 *
 * @example
 * const opts: TasksOptions = { db, clock: systemClock, backoffBaseMs: 500 };
 */
export interface TasksOptions {
  db: Db;
  clock: Clock;
  /** First retry delay of a failed task in ms (then doubled each attempt); default 1000. */
  backoffBaseMs?: number;
  /** Longest retry delay in ms; default one hour. */
  backoffMaxMs?: number;
}

/**
 * The durable task queue on a store: claims are atomic with a lease (`for update skip
 * locked`), a lease that expires gives the task back, failures retry with exponential
 * backoff.
 *
 * @example
 * const tasks = createTasks({ db, clock: systemClock });
 * await tasks.create({ queue: 'crawl', payload: { url: 'https://example.org' }, dedupeKey: 'example.org' });
 * const t = await tasks.claim({ queue: 'crawl', agent: 'w1', leaseSeconds: 60 });
 * if (t) await tasks.complete({ id: t.id, agent: 'w1', result: { pages: 3 } });
 */
export function createTasks(opts: TasksOptions): Tasks {
  const { db, clock } = opts;

  async function claimBatch(input: ClaimBatchInput): Promise<Task[]> {
    const i = parse(claimBatchSchema, input);
    const s = resolveScope(i.scope);
    return claimTasks(db, {
      tenant: s.tenant,
      queue: i.queue,
      agent: actingAgent(i.agent, s),
      leaseSeconds: i.leaseSeconds ?? DEFAULT_LEASE_SECONDS,
      limit: i.limit ?? 1,
      now: clock.now(),
    });
  }

  const tasks: Tasks = {
    async create(input) {
      const i = parse(createTaskSchema, input);
      const s = resolveScope(i.scope);
      const now = clock.now();
      const task = {
        tenant: s.tenant,
        user: s.user,
        agent: s.agent,
        queue: i.queue,
        dedupeKey: i.dedupeKey ?? null,
        payload: i.payload ?? {},
        priority: i.priority ?? 0,
        runAfter: i.runAfter ?? now,
        maxAttempts: i.maxAttempts ?? 5,
        now,
      };
      // A deduped task may finish between our insert and our select: then insert again.
      for (let round = 0; round < 5; round++) {
        const inserted = await insertTask(db, task);
        if (inserted) return inserted;
        const existing = await selectDeduped(db, task);
        if (existing) return existing;
      }
      throw new ConflictError(`task with dedupe key "${i.dedupeKey}" keeps changing; try again`);
    },

    async claim(input) {
      const [task] = await claimBatch({ ...parse(claimTaskSchema, input), limit: 1 });
      return task ?? null;
    },

    claimBatch,

    ...createHolderOps(opts),

    async cancel(input) {
      const i = parse(cancelTaskSchema, input);
      const s = resolveScope(i.scope);
      const done = await cancelTask(db, { tenant: s.tenant, id: i.id, now: clock.now() });
      if (done) return done;
      const cur = await selectTask(db, { tenant: s.tenant, id: i.id });
      if (!cur) throw new NotFoundError(`no task ${i.id} in this tenant`, 'id');
      throw new ConflictError(
        `task ${i.id} is already ${cur.status}; only open or claimed tasks can be cancelled`,
        { id: i.id, status: cur.status },
      );
    },

    async get(input) {
      const i = parse(getTaskSchema, input);
      return selectTask(db, { tenant: resolveScope(i.scope).tenant, id: i.id });
    },

    async list(input = {}) {
      const i = parse(listTasksSchema, input);
      const s = resolveScope(i.scope);
      return listTasks(db, { ...i, tenant: s.tenant, scope: s, limit: i.limit ?? 100 });
    },
  };
  registerLocalQueue(tasks, { db, clock });
  return tasks;
}
