import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.js';
import { type ResolvedScope, resolveScope } from '../scope.js';
import { parse } from '../validation.js';
import {
  COMPLETE,
  COMPLETE_AND_CLAIM,
  FAIL,
  HEARTBEAT,
  RELEASE,
  SELECT_TASK,
  type TaskRow,
  toTask,
} from './tasks-queries.js';
import {
  type CompleteAndClaimInput,
  type CompleteBatchInput,
  type CompleteTaskInput,
  completeAndClaimSchema,
  completeBatchSchema,
  completeTaskSchema,
  type FailTaskInput,
  failTaskSchema,
  type HeartbeatTaskInput,
  heartbeatTaskSchema,
  type ReleaseTaskInput,
  releaseTaskSchema,
  type Task,
} from './tasks-schema.js';

/** Lease of a claim or heartbeat when none is given, in seconds. */
export const DEFAULT_LEASE_SECONDS = 30;

/**
 * Picks the acting agent: the input's, else the scope's; one is required.
 *
 * @example
 * actingAgent(undefined, resolveScope({ agent: 'w1' })) // => 'w1'
 */
export function actingAgent(agent: string | undefined, scope: ResolvedScope): string {
  const a = agent ?? scope.agent;
  if (!a) throw new InvalidInputError('"agent": give the id of the agent acting on the task', 'agent');
  return a;
}

/**
 * The operations of the agent holding a task (heartbeat, complete, fail, release and
 * the batch forms): each matches only a task claimed by that agent with a live lease,
 * else it says why with a `lease lost` conflict (or not_found). Part of `createTasks`.
 *
 * @example
 * const ops = createHolderOps({ db, clock: systemClock });
 * await ops.complete({ id, agent: 'w1', result: { ok: true } });
 */
export function createHolderOps(opts: {
  db: Db;
  clock: Clock;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}) {
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
  };
}
