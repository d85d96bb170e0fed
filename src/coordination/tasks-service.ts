import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { ownerFilters, Params } from '../db/sql.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.js';
import { resolveScope } from '../scope.js';
import { parse } from '../validation.js';
import { actingAgent, createHolderOps, DEFAULT_LEASE_SECONDS } from './tasks-holder.js';
import {
  CANCEL,
  claimSql,
  INSERT_TASK,
  SELECT_DEDUPED,
  SELECT_TASK,
  TASKS_CHANNEL,
  type TaskRow,
  toTask,
} from './tasks-queries.js';
import {
  agentId,
  type CancelTaskInput,
  type ClaimTaskInput,
  type CreateTaskInput,
  cancelTaskSchema,
  claimTaskSchema,
  createTaskSchema,
  type GetTaskInput,
  getTaskSchema,
  type ListTasksInput,
  leaseSeconds as leaseSecondsSchema,
  listTasksSchema,
  MAX_TASK_BATCH,
  queueName,
  type Task,
} from './tasks-schema.js';

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
 * The task queue API; see {@link createTasks}.
 *
 * @example
 * const tasks: Tasks = mem.tasks;
 */
export type Tasks = ReturnType<typeof createTasks>;

/**
 * The durable task queue: create tasks (with dedupe keys), claim them atomically with
 * a lease (`for update skip locked`), heartbeat, complete, fail with exponential
 * backoff, cancel. Every method takes one input object with an optional `scope`;
 * tasks never cross tenants.
 *
 * @example
 * const tasks = createTasks({ db, clock: systemClock });
 * await tasks.create({ queue: 'crawl', payload: { url: 'https://example.org' }, dedupeKey: 'example.org' });
 * const t = await tasks.claim({ queue: 'crawl', agent: 'w1', leaseSeconds: 60 });
 * if (t) await tasks.complete({ id: t.id, agent: 'w1', result: { pages: 3 } });
 */
export function createTasks(opts: TasksOptions) {
  const { db, clock } = opts;
  const holder = createHolderOps(opts);

  async function claimRows(
    tenant: string | null,
    queue: string,
    agent: string,
    lease: number,
    limit: number,
  ): Promise<Task[]> {
    const params: unknown[] = [queue, clock.now(), limit, agent, lease];
    if (tenant !== null) params.push(tenant);
    const { rows } = await db.query<TaskRow>(claimSql(tenant !== null), params);
    return rows
      .map(toTask)
      .sort((a, b) => b.priority - a.priority || a.runAfter.getTime() - b.runAfter.getTime());
  }

  return {
    /**
     * Adds a task. A `dedupeKey` already open or claimed in the queue returns that
     * task instead of a duplicate. Announces the task on NOTIFY so idle workers wake.
     */
    async create(input: CreateTaskInput): Promise<Task> {
      const i = parse(createTaskSchema, input);
      const s = resolveScope(i.scope);
      const now = clock.now();
      const params = [
        s.tenant,
        s.user,
        s.agent,
        i.queue,
        i.dedupeKey ?? null,
        JSON.stringify(i.payload ?? {}),
        i.priority ?? 0,
        i.runAfter ?? now,
        i.maxAttempts ?? 5,
        now,
      ];
      // A deduped task may finish between our insert and our select: then insert again.
      for (let round = 0; round < 5; round++) {
        const ins = await db.query<TaskRow>(INSERT_TASK, params);
        if (ins.rows[0]) return toTask(ins.rows[0]);
        const ex = await db.query<TaskRow>(SELECT_DEDUPED, [s.tenant, i.queue, i.dedupeKey]);
        if (ex.rows[0]) return toTask(ex.rows[0]);
      }
      throw new ConflictError(`task with dedupe key "${i.dedupeKey}" keeps changing; try again`);
    },

    /**
     * Claims the next due task of a queue (or up to `limit` with a batch claim) for
     * `leaseSeconds` (default 30). Tasks whose lease expired are claimable again.
     * Returns null (or []) when nothing is due.
     */
    claim: (async (input: ClaimTaskInput) => {
      const i = parse(claimTaskSchema, input);
      const s = resolveScope(i.scope);
      const agent = actingAgent(i.agent, s);
      const rows = await claimRows(
        s.tenant,
        i.queue,
        agent,
        i.leaseSeconds ?? DEFAULT_LEASE_SECONDS,
        i.limit ?? 1,
      );
      return i.limit === undefined ? (rows[0] ?? null) : rows;
    }) as {
      (input: ClaimTaskInput & { limit: number }): Promise<Task[]>;
      (input: ClaimTaskInput): Promise<Task | null>;
    },

    ...holder,

    /** Cancels an open or claimed task; a finished one is a conflict. */
    async cancel(input: CancelTaskInput): Promise<Task> {
      const i = parse(cancelTaskSchema, input);
      const s = resolveScope(i.scope);
      const { rows } = await db.query<TaskRow>(CANCEL, [s.tenant, i.id, clock.now()]);
      if (rows[0]) return toTask(rows[0]);
      const cur = await db.query<TaskRow>(SELECT_TASK, [s.tenant, i.id]);
      if (!cur.rows[0]) throw new NotFoundError(`no task ${i.id} in this tenant`, 'id');
      throw new ConflictError(
        `task ${i.id} is already ${cur.rows[0].status}; only open or claimed tasks can be cancelled`,
        {
          id: i.id,
          status: cur.rows[0].status,
        },
      );
    },

    /** One task by id. */
    async get(input: GetTaskInput): Promise<Task> {
      const i = parse(getTaskSchema, input);
      const s = resolveScope(i.scope);
      const { rows } = await db.query<TaskRow>(SELECT_TASK, [s.tenant, i.id]);
      if (!rows[0]) throw new NotFoundError(`no task ${i.id} in this tenant`, 'id');
      return toTask(rows[0]);
    },

    /**
     * Tasks of the tenant, newest first, filtered by queue, status and holder (default 100);
     * with `scopeMatch`, also by the user and agent that created them.
     */
    async list(input: ListTasksInput = {}): Promise<Task[]> {
      const i = parse(listTasksSchema, input);
      const s = resolveScope(i.scope);
      const p = new Params();
      let sql = `select * from tasks where tenant_id = ${p.add(s.tenant)}`;
      // The queue is the tenant's: only an explicit scopeMatch narrows it to who created the tasks.
      if (i.scopeMatch)
        for (const f of ownerFilters(p, s, ['user', 'agent'], i.scopeMatch)) sql += ` and ${f}`;
      if (i.queue) sql += ` and queue = ${p.add(i.queue)}`;
      if (i.status) sql += ` and status = ${p.add(i.status)}`;
      if (i.claimedBy) sql += ` and claimed_by = ${p.add(i.claimedBy)}`;
      sql += ` order by created_at desc, id limit ${p.add(i.limit ?? 100)}::int`;
      const { rows } = await db.query<TaskRow>(sql, p.values);
      return rows.map(toTask);
    },

    /**
     * Calls `onCreated` when a task is created in the scope's tenant and `queue`
     * (LISTEN/NOTIFY; at most a hint: always claim to find out). Returns a stopper.
     */
    async listen(input: { scope?: ClaimTaskInput['scope']; queue: string }, onCreated: () => void) {
      const s = resolveScope(parse(createTaskSchema.pick({ scope: true, queue: true }), input).scope);
      return db.listen(TASKS_CHANNEL, (payload) => {
        try {
          const m = JSON.parse(payload) as { tenant?: string; queue?: string };
          if (m.queue === input.queue && (m.tenant === s.tenant || input.queue.startsWith('mnemo.')))
            onCreated();
        } catch {
          // Not ours: ignore.
        }
      });
    },

    /**
     * Internal, for mnemo's own background queues (names starting with `mnemo.`): claims
     * across every tenant. Never exposed over HTTP or MCP.
     */
    async claimAcrossTenants(
      queue: string,
      agent: string,
      o: { leaseSeconds?: number; limit?: number } = {},
    ): Promise<Task[]> {
      const q = parse(queueName, queue, 'queue');
      if (!q.startsWith('mnemo.'))
        throw new InvalidInputError(
          '"queue": only mnemo\'s own queues ("mnemo.*") are claimed across tenants',
          'queue',
        );
      const a = parse(agentId, agent, 'agent');
      const lease = parse(leaseSecondsSchema, o.leaseSeconds ?? DEFAULT_LEASE_SECONDS, 'leaseSeconds');
      const limit = Math.min(Math.max(1, Math.floor(o.limit ?? 1)), MAX_TASK_BATCH);
      return claimRows(null, q, a, lease, limit);
    },
  };
}
