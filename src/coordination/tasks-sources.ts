/**
 * Claim sources: what a worker (`runWorker`) claims from, completes to and waits on.
 * One for a tenant's queue, built from the public {@link Tasks} API (so a worker runs
 * over a remote memory too), faster on a local store; one internal to mnemo for its own
 * background queues (`mnemo.*`), claimed across tenants.
 */
import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { InvalidInputError, isMnemoError } from '../errors.js';
import { resolveScope, type Scope } from '../scope.js';
import type { Tasks } from './tasks-api.js';
import { claimAcrossTenants, completeAndClaim } from './tasks-claim-queries.js';
import { isOwnQueue } from './tasks-fields.js';
import { listenForTasks } from './tasks-queries.js';
import type { Task } from './tasks-schema.js';

/**
 * What a claim source is built for: the queue, the agent claiming, the lease of a claim.
 *
 * @example
 * const o: ClaimSourceOptions = { queue: 'crawl', agent: 'w1', leaseSeconds: 30 };
 */
export interface ClaimSourceOptions {
  queue: string;
  agent: string;
  leaseSeconds: number;
}

/**
 * What a worker needs of a queue. Each method acts on a task in its own tenant.
 *
 * @example
 * const src = tenantSource(mem.tasks, { queue: 'crawl', agent: 'w1', leaseSeconds: 30 });
 * for (const t of await src.claim(4)) await src.release(t);
 */
export interface ClaimSource {
  /** Claims up to `limit` due tasks. */
  claim(limit: number): Promise<Task[]>;
  /**
   * Completes finished tasks with their results and claims up to `refill` more. Tasks no
   * longer held (lease expired, taken by another agent) are listed in `lost`, not thrown.
   */
  complete(
    items: { task: Task; result: unknown }[],
    refill: number,
  ): Promise<{ lost: string[]; claimed: Task[] }>;
  /** Extends the lease of a held task (a `lease lost` conflict when it is not held). */
  heartbeat(task: Task): Promise<void>;
  /** Fails a held task with its error (retried with backoff unless `retry` is false). */
  fail(task: Task, error: string, retry?: boolean): Promise<void>;
  /** Gives a held task back without counting the attempt. */
  release(task: Task): Promise<void>;
  /** Calls `wake` when new work may be due (a hint; the worker polls too). Resolves to a stopper. */
  watch(wake: () => void): Promise<() => Promise<void>>;
}

/** The store behind a {@link Tasks} made by `createTasks`, for the faster local source. */
interface LocalQueue {
  db: Db;
  clock: Clock;
}
const localQueues = new WeakMap<Tasks, LocalQueue>();

/**
 * Records that `tasks` runs on this store (`createTasks` calls it), so a worker on it
 * completes and refills in one statement and wakes on LISTEN/NOTIFY.
 *
 * @example
 * registerLocalQueue(tasks, { db, clock });
 */
export function registerLocalQueue(tasks: Tasks, queue: LocalQueue): void {
  localQueues.set(tasks, queue);
}

const wasLost = (e: unknown) => isMnemoError(e) && (e.code === 'conflict' || e.code === 'not_found');

/** The holder operations of a source, through the public API, in each task's tenant. */
function holderOps(tasks: Tasks, scopeOf: (t: Task) => Scope, o: ClaimSourceOptions) {
  const ids = (t: Task) => ({ scope: scopeOf(t), id: t.id, agent: o.agent });
  return {
    async heartbeat(t: Task) {
      await tasks.heartbeat({ ...ids(t), leaseSeconds: o.leaseSeconds });
    },
    async fail(t: Task, error: string, retry?: boolean) {
      await tasks.fail({ ...ids(t), error, ...(retry === false ? { retry } : {}) });
    },
    async release(t: Task) {
      await tasks.release(ids(t));
    },
  };
}

/** Completes `items` of one tenant in one statement and claims up to `refill` from `queue`. */
async function completeLocally(
  q: LocalQueue,
  tenant: string,
  o: ClaimSourceOptions,
  items: { task: Task; result: unknown }[],
  refill: number,
): Promise<{ lost: string[]; claimed: Task[] }> {
  const r = await completeAndClaim(q.db, {
    tenant,
    agent: o.agent,
    items: items.map((b) => ({ id: b.task.id, result: b.result })),
    queue: o.queue,
    leaseSeconds: o.leaseSeconds,
    limit: refill,
    now: q.clock.now(),
  });
  const done = new Set(r.completed.map((t) => t.id));
  return { lost: items.map((b) => b.task.id).filter((id) => !done.has(id)), claimed: r.claimed };
}

/**
 * The source of a tenant's queue, from the public API: claims with `claimBatch`, completes
 * each task, waits by polling. On a local store (`createTasks`) results are completed and
 * the freed slots refilled in one statement, and created tasks wake the worker at once.
 *
 * @example
 * const src = tenantSource(mem.tasks, { scope: { tenant: 'acme' }, queue: 'crawl', agent: 'w1', leaseSeconds: 30 });
 */
export function tenantSource(tasks: Tasks, o: ClaimSourceOptions & { scope?: Scope }): ClaimSource {
  const scope = o.scope ?? {};
  const claim = (limit: number) =>
    tasks.claimBatch({ scope, queue: o.queue, agent: o.agent, leaseSeconds: o.leaseSeconds, limit });
  const local = localQueues.get(tasks);
  const tenant = resolveScope(scope).tenant;
  return {
    claim,
    ...holderOps(tasks, () => scope, o),
    async complete(items, refill) {
      if (local) return completeLocally(local, tenant, o, items, refill);
      const lost: string[] = [];
      for (const { task, result } of items)
        await tasks.complete({ scope, id: task.id, agent: o.agent, result }).catch((e) => {
          if (!wasLost(e)) throw e;
          lost.push(task.id);
        });
      return { lost, claimed: refill > 0 ? await claim(refill) : [] };
    },
    async watch(wake) {
      if (!local) return async () => {};
      return listenForTasks(local.db, (m) => {
        if (m.queue === o.queue && m.tenant === tenant) wake();
      });
    },
  };
}

/**
 * Internal to mnemo: the source of one of its own background queues (`mnemo.*`, see
 * isOwnQueue), claimed across every tenant of the store; each task is acted on in its
 * own tenant. Never offered over HTTP or MCP.
 *
 * @example
 * runWorker({ source: ownQueueSource({ db, clock, tasks }), queue: 'mnemo.extract', handler });
 */
export function ownQueueSource(store: LocalQueue & { tasks: Tasks }): (o: ClaimSourceOptions) => ClaimSource {
  return (o) => {
    if (!isOwnQueue(o.queue))
      throw new InvalidInputError(
        `"queue": only mnemo's own queues ("mnemo.*") are claimed across tenants, not "${o.queue}"`,
        'queue',
      );
    const claim = (limit: number) => claimAcrossTenants(store.db, { ...o, limit, now: store.clock.now() });
    return {
      claim,
      ...holderOps(store.tasks, (t) => ({ tenant: t.tenant }), o),
      async complete(items, refill) {
        const byTenant = new Map<string, typeof items>();
        for (const b of items) byTenant.set(b.task.tenant, [...(byTenant.get(b.task.tenant) ?? []), b]);
        const lost: string[] = [];
        for (const [tenant, group] of byTenant)
          lost.push(...(await completeLocally(store, tenant, o, group, 0)).lost);
        return { lost, claimed: refill > 0 ? await claim(refill) : [] };
      },
      watch: (wake) =>
        listenForTasks(store.db, (m) => {
          if (m.queue === o.queue) wake();
        }),
    };
  };
}
