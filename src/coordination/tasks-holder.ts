import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.js';
import { type ResolvedScope, resolveScope } from '../scope.js';
import { parse } from '../validation.js';
import {
  completeTask,
  failTask,
  type Held,
  heartbeatTask,
  releaseTask,
  selectTask,
} from './tasks-queries.js';
import {
  type CompleteTaskInput,
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
 * Says why a holder operation matched no row: unknown id (not_found), or a lease not
 * held (the `lease lost` conflict).
 *
 * @example
 * const t = (await completeTask(db, h)) ?? (await leaseLost(db, h, 'complete'));
 */
export async function leaseLost(db: Db, h: Held, what: string): Promise<never> {
  const row = await selectTask(db, h);
  if (!row) throw new NotFoundError(`no task ${h.id} in this tenant`, 'id');
  const why =
    row.status !== 'claimed'
      ? `it is ${row.status}, not claimed`
      : row.claimedBy !== h.agent
        ? `it is claimed by "${row.claimedBy}", not "${h.agent}"`
        : `its lease expired at ${row.leaseUntil?.toISOString()} (now ${h.now.toISOString()})`;
  throw new ConflictError(
    `lease lost: cannot ${what} task ${h.id}: ${why}. Claim it again before acting on it.`,
    { id: h.id, status: row.status, claimedBy: row.claimedBy },
  );
}

/**
 * The operations of the agent holding a task (heartbeat, complete, fail, release): each
 * matches only a task claimed by that agent with a live lease, else it says why with a
 * `lease lost` conflict (or not_found). Part of `createTasks`.
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
  const backoffBaseMs = opts.backoffBaseMs ?? 1000;
  const backoffMaxMs = opts.backoffMaxMs ?? 3_600_000;

  /** The held task an input names, and the statement's result or why there is none. */
  async function act<I extends { scope?: unknown; id: string; agent?: string }>(
    input: I,
    what: string,
    run: (h: Held) => Promise<Task | null>,
  ): Promise<Task> {
    const s = resolveScope(input.scope as never);
    const h: Held = { tenant: s.tenant, id: input.id, agent: actingAgent(input.agent, s), now: clock.now() };
    return (await run(h)) ?? leaseLost(db, h, what);
  }

  return {
    /** Extends the lease of a task the agent holds; `lease lost` conflict otherwise. */
    async heartbeat(input: HeartbeatTaskInput): Promise<Task> {
      const i = parse(heartbeatTaskSchema, input);
      return act(i, 'heartbeat', (h) =>
        heartbeatTask(db, { ...h, leaseSeconds: i.leaseSeconds ?? DEFAULT_LEASE_SECONDS }),
      );
    },

    /** Marks a held task done with an optional JSON result. */
    async complete(input: CompleteTaskInput): Promise<Task> {
      const i = parse(completeTaskSchema, input);
      return act(i, 'complete', (h) => completeTask(db, { ...h, result: i.result ?? null }));
    },

    /**
     * Fails a held task: it is retried after base * 2^attempts ms (capped) until
     * `maxAttempts`, then its status is `failed`. `retry: false` fails it for good now.
     */
    async fail(input: FailTaskInput): Promise<Task> {
      const i = parse(failTaskSchema, input);
      return act(i, 'fail', (h) =>
        failTask(db, { ...h, error: i.error, retry: i.retry ?? true, backoffBaseMs, backoffMaxMs }),
      );
    },

    /** Gives a held task back to the queue without counting the attempt (graceful shutdown). */
    async release(input: ReleaseTaskInput): Promise<Task> {
      const i = parse(releaseTaskSchema, input);
      return act(i, 'release', (h) => releaseTask(db, h));
    },
  };
}
