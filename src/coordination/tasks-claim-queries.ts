/**
 * The claim statements of the task queue: a tenant's queue, mnemo's own queues across
 * tenants, and completing a batch while refilling it, each one statement.
 */
import type { Db } from '../db/db.js';
import { taskColumns } from './tasks-queries.js';
import type { Task } from './tasks-schema.js';

const T_TASK = taskColumns('t.');

/** Claimed tasks in the order a worker takes them: priority first, then due time. */
const byPriority = (a: Task, b: Task) =>
  b.priority - a.priority || a.runAfter.getTime() - b.runAfter.getTime();

/**
 * Why this shape: claimable tasks are due open ones and claimed ones whose lease
 * expired (their agent died). Each kind is read from its own partial index with
 * "for update skip locked", so concurrent claimers never wait for nor take the same
 * row; the union is then cut to the batch size in priority order. Expired tasks that
 * already used every attempt are failed in the same statement instead of reclaimed.
 * Parameters: $1 queue, $2 now, $3 batch size, $4 agent, $5 lease seconds, then $6 the
 * tenant for a tenant's queue. Across tenants (mnemo's own queues), `queue like 'mnemo.%'`
 * is the predicate of the partial indexes tasks_internal_* (migration 0006): it stays in
 * the text so the planner can use them (isOwnQueue is the rule, checked before).
 */
function claimCtes(where: string): string {
  return `exhausted as (
  update tasks set status = 'failed', lease_until = null, finished_at = $2::timestamptz, updated_at = $2::timestamptz,
    error = 'lease expired on the last attempt (' || attempts || ' of ' || max_attempts || '): the agent holding it stopped'
  where id in (
    select id from tasks
    where ${where} and status = 'claimed' and lease_until < $2::timestamptz and attempts >= max_attempts
    for update skip locked)
), expired as (
  select id, priority, run_after from tasks
  where ${where} and status = 'claimed' and lease_until < $2::timestamptz and attempts < max_attempts
  order by lease_until
  limit $3::int
  for update skip locked
), due as (
  select id, priority, run_after from tasks
  where ${where} and status = 'open' and run_after <= $2::timestamptz
  order by priority desc, run_after
  limit $3::int
  for update skip locked
), picked as (
  select id from (select * from expired union all select * from due) c
  order by priority desc, run_after
  limit $3::int
)`;
}

const TENANT_QUEUE = 'tenant_id = $6 and queue = $1';
const OWN_QUEUE_ANY_TENANT = `queue = $1 and queue like 'mnemo.%'`;
const claimed = (where: string) => `with ${claimCtes(where)}
update tasks t set status = 'claimed', claimed_by = $4, claimed_at = $2::timestamptz,
  lease_until = $2::timestamptz + $5::float8 * interval '1 second',
  attempts = t.attempts + 1, updated_at = $2::timestamptz
from picked
where t.id = picked.id
returning ${T_TASK}`;
const CLAIM = claimed(TENANT_QUEUE);
const CLAIM_ACROSS_TENANTS = claimed(OWN_QUEUE_ANY_TENANT);

/**
 * What a claim takes: the queue, the claiming agent, its lease and the batch size.
 *
 * @example
 * const c: ClaimArgs = { queue: 'crawl', agent: 'w1', leaseSeconds: 30, limit: 1, now: new Date() };
 */
export interface ClaimArgs {
  queue: string;
  agent: string;
  leaseSeconds: number;
  limit: number;
  now: Date;
}

/**
 * Claims up to `limit` due tasks of a tenant's queue, in priority order.
 *
 * @example
 * const [t] = await claimTasks(db, { tenant: 'default', queue: 'crawl', agent: 'w1', leaseSeconds: 30, limit: 1, now });
 */
export async function claimTasks(db: Db, c: ClaimArgs & { tenant: string }): Promise<Task[]> {
  const { rows } = await db.query<Task>(CLAIM, [c.queue, c.now, c.limit, c.agent, c.leaseSeconds, c.tenant]);
  return rows.sort(byPriority);
}

/**
 * Claims up to `limit` due tasks of one of mnemo's own queues, from every tenant.
 *
 * @example
 * const got = await claimAcrossTenants(db, { queue: 'mnemo.extract', agent: 'bg', leaseSeconds: 120, limit: 4, now });
 */
export async function claimAcrossTenants(db: Db, c: ClaimArgs): Promise<Task[]> {
  const { rows } = await db.query<Task>(CLAIM_ACROSS_TENANTS, [
    c.queue,
    c.now,
    c.limit,
    c.agent,
    c.leaseSeconds,
  ]);
  return rows.sort(byPriority);
}

/**
 * Completes held tasks and claims the next ones in one statement: a busy worker's one
 * round trip and one commit for a whole batch. The claim parts read the snapshot taken
 * before the completions, in which the completed tasks are still claimed with a live
 * lease, so they can never be picked again. Rows come back tagged: kind 'done' (tasks
 * not held are simply absent) and kind 'claimed'. Parameters as the tenant claim, then
 * $7 a JSON array of {id, result}.
 */
const COMPLETE_AND_CLAIM = `with done as (
  update tasks t set status = 'done', result = v.result, lease_until = null, finished_at = $2::timestamptz,
    updated_at = $2::timestamptz
  from jsonb_to_recordset($7::jsonb) as v(id uuid, result jsonb)
  where t.tenant_id = $6 and t.id = v.id and t.status = 'claimed' and t.claimed_by = $4
    and t.lease_until >= $2::timestamptz
  returning ${T_TASK}
), ${claimCtes(TENANT_QUEUE)}, claimed as (
  update tasks t set status = 'claimed', claimed_by = $4, claimed_at = $2::timestamptz,
    lease_until = $2::timestamptz + $5::float8 * interval '1 second',
    attempts = t.attempts + 1, updated_at = $2::timestamptz
  from picked
  where t.id = picked.id
  returning ${T_TASK}
)
select 'done' as kind, * from done
union all
select 'claimed' as kind, * from claimed`;

/**
 * Completes the held `items` of a tenant and claims up to `limit` more from `queue`, in
 * one statement. Items not held (lease expired, taken by another) are not in `completed`.
 *
 * @example
 * const r = await completeAndClaim(db, { tenant: 'default', agent: 'w1', items: [{ id, result: 1 }],
 *   queue: 'crawl', leaseSeconds: 30, limit: 1, now });
 */
export async function completeAndClaim(
  db: Db,
  c: ClaimArgs & { tenant: string; items: { id: string; result?: unknown }[] },
): Promise<{ completed: Task[]; claimed: Task[] }> {
  const { rows } = await db.query<Task & { kind: 'done' | 'claimed' }>(COMPLETE_AND_CLAIM, [
    c.queue,
    c.now,
    c.limit,
    c.agent,
    c.leaseSeconds,
    c.tenant,
    JSON.stringify(c.items.map((x) => ({ id: x.id, result: x.result ?? null }))),
  ]);
  const of = (kind: 'done' | 'claimed') =>
    rows.filter((r) => r.kind === kind).map(({ kind: _, ...task }) => task as Task);
  return { completed: of('done'), claimed: of('claimed').sort(byPriority) };
}
