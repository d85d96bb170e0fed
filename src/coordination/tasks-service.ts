import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { Params } from '../db/sql.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.js';
import { type ResolvedScope, resolveScope } from '../scope.js';
import { parse } from '../validation.js';
import {
  CANCEL,
  COMPLETE,
  COMPLETE_AND_CLAIM,
  claimSql,
  FAIL,
  HEARTBEAT,
  INSERT_TASK,
  RELEASE,
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
  type CompleteAndClaimInput,
  type CompleteBatchInput,
  type CompleteTaskInput,
  type CreateTaskInput,
  cancelTaskSchema,
  claimTaskSchema,
  completeAndClaimSchema,
  completeBatchSchema,
  completeTaskSchema,
  createTaskSchema,
  type FailTaskInput,
  failTaskSchema,
  type GetTaskInput,
  getTaskSchema,
  type HeartbeatTaskInput,
  heartbeatTaskSchema,
  type ListTasksInput,
  leaseSeconds as leaseSecondsSchema,
  listTasksSchema,
  MAX_TASK_BATCH,
  queueName,
  type ReleaseTaskInput,
  releaseTaskSchema,
  type Task,
} from './tasks-schema.js';

/** Options of {@link createTasks}. */
export interface TasksOptions {
  db: Db;
  clock: Clock;
  /** First retry delay of a failed task in ms (then doubled each attempt); default 1000. */
  backoffBaseMs?: number;
  /** Longest retry delay in ms; default one hour. */
  backoffMaxMs?: number;
}

/** The task queue API; see {@link createTasks}. */
export type Tasks = ReturnType<typeof createTasks>;

const DEFAULT_LEASE_SECONDS = 30;

/** Picks the acting agent: the input's, else the scope's; one is required. */
function actingAgent(agent: string | undefined, scope: ResolvedScope): string {
  const a = agent ?? scope.agent;
  if (!a) throw new InvalidInputError('"agent": give the id of the agent acting on the task', 'agent');
  return a;
}

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
  const backoffBase = opts.backoffBaseMs ?? 1000;
  const backoffMax = opts.backoffMaxMs ?? 3_600_000;

  /** Says why a holder operation matched no row: unknown id, or a lease not held. */
  async function lost(tenant: string, id: string, agent: string, now: Date, what: string): Promise<never> {
    const { rows } = await db.query<TaskRow>(SELECT_TASK, [tenant, id]);
    const row = rows[0];
    if (!row) throw new NotFoundError(`no task ${id} in this tenant`, 'id');
    const why =
      row.status !== 'claimed'
        ? `it is ${row.status}, not claimed`
        : row.claimed_by !== agent
          ? `it is claimed by "${row.claimed_by}", not "${agent}"`
          : `its lease expired at ${row.lease_until?.toISOString()} (now ${now.toISOString()})`;
    throw new ConflictError(
      `lease lost: cannot ${what} task ${id}: ${why}. Claim it again before acting on it.`,
      { id, status: row.status, claimedBy: row.claimed_by },
    );
  }

  async function held(
    sql: string,
    scope: ResolvedScope,
    id: string,
    agent: string,
    what: string,
    extra: unknown[],
  ): Promise<Task> {
    const now = clock.now();
    const { rows } = await db.query<TaskRow>(sql, [scope.tenant, id, now, agent, ...extra]);
    if (!rows[0]) return lost(scope.tenant, id, agent, now, what);
    return toTask(rows[0]);
  }

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

  async function completeAndClaimRows(
    tenant: string,
    agent: string,
    items: { id: string; result?: unknown }[],
    queue: string,
    lease: number | undefined,
    limit: number,
    gate: boolean,
    now: Date,
  ): Promise<{ completed: Task[]; claimed: Task[] }> {
    const { rows } = await db.query<TaskRow & { kind: 'done' | 'claimed' }>(COMPLETE_AND_CLAIM, [
      queue,
      now,
      limit,
      agent,
      lease ?? DEFAULT_LEASE_SECONDS,
      tenant,
      JSON.stringify(items.map((x) => ({ id: x.id, result: x.result ?? null }))),
      gate,
    ]);
    const claimed = rows.filter((r) => r.kind === 'claimed').map(toTask);
    claimed.sort((a, b) => b.priority - a.priority || a.runAfter.getTime() - b.runAfter.getTime());
    return { completed: rows.filter((r) => r.kind === 'done').map(toTask), claimed };
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

    /** Extends the lease of a task the agent holds; `lease lost` conflict otherwise. */
    async heartbeat(input: HeartbeatTaskInput): Promise<Task> {
      const i = parse(heartbeatTaskSchema, input);
      const s = resolveScope(i.scope);
      const agent = actingAgent(i.agent, s);
      return held(HEARTBEAT, s, i.id, agent, 'heartbeat', [i.leaseSeconds ?? DEFAULT_LEASE_SECONDS]);
    },

    /** Marks a held task done with an optional JSON result. */
    async complete(input: CompleteTaskInput): Promise<Task> {
      const i = parse(completeTaskSchema, input);
      const s = resolveScope(i.scope);
      const agent = actingAgent(i.agent, s);
      return held(COMPLETE, s, i.id, agent, 'complete', [JSON.stringify(i.result ?? null)]);
    },

    /**
     * Completes a held task and claims up to `limit` (default 1) more from `queue`, in
     * one statement: a busy worker's single round trip per task. Claims nothing and
     * throws the `lease lost` conflict when the task was not held.
     */
    async completeAndClaim(input: CompleteAndClaimInput): Promise<{ completed: Task; claimed: Task[] }> {
      const i = parse(completeAndClaimSchema, input);
      const s = resolveScope(i.scope);
      const agent = actingAgent(i.agent, s);
      const now = clock.now();
      const r = await completeAndClaimRows(
        s.tenant,
        agent,
        [{ id: i.id, result: i.result }],
        i.queue,
        i.leaseSeconds,
        i.limit ?? 1,
        true,
        now,
      );
      if (!r.completed[0]) return lost(s.tenant, i.id, agent, now, 'complete');
      return { completed: r.completed[0], claimed: r.claimed };
    },

    /**
     * Completes several held tasks and claims up to `limit` (default 0) more from
     * `queue`, in one statement (what a busy worker does). Tasks no longer held are
     * listed in `lost` (their lease expired or another agent took them), not thrown.
     */
    async completeBatch(
      input: CompleteBatchInput,
    ): Promise<{ completed: Task[]; lost: string[]; claimed: Task[] }> {
      const i = parse(completeBatchSchema, input);
      const s = resolveScope(i.scope);
      const agent = actingAgent(i.agent, s);
      const r = await completeAndClaimRows(
        s.tenant,
        agent,
        i.items,
        i.queue ?? '',
        i.leaseSeconds,
        i.limit ?? 0,
        false,
        clock.now(),
      );
      const doneIds = new Set(r.completed.map((t) => t.id));
      return { ...r, lost: i.items.map((x) => x.id).filter((id) => !doneIds.has(id)) };
    },

    /**
     * Fails a held task: it is retried after base * 2^attempts ms (capped) until
     * `maxAttempts`, then its status is `failed`. `retry: false` fails it for good now.
     */
    async fail(input: FailTaskInput): Promise<Task> {
      const i = parse(failTaskSchema, input);
      const s = resolveScope(i.scope);
      const agent = actingAgent(i.agent, s);
      return held(FAIL, s, i.id, agent, 'fail', [i.error, i.retry ?? true, backoffBase, backoffMax]);
    },

    /** Gives a held task back to the queue without counting the attempt (graceful shutdown). */
    async release(input: ReleaseTaskInput): Promise<Task> {
      const i = parse(releaseTaskSchema, input);
      const s = resolveScope(i.scope);
      const agent = actingAgent(i.agent, s);
      return held(RELEASE, s, i.id, agent, 'release', []);
    },

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

    /** Tasks of the tenant, newest first, filtered by queue, status and holder (default 100). */
    async list(input: ListTasksInput = {}): Promise<Task[]> {
      const i = parse(listTasksSchema, input);
      const s = resolveScope(i.scope);
      const p = new Params();
      let sql = `select * from tasks where tenant_id = ${p.add(s.tenant)}`;
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
