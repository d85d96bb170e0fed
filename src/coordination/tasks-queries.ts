/**
 * The SQL of the task queue: one function per statement, holding its text, passing its
 * values and returning rows already shaped as {@link Task} (camelCase aliases).
 */
import type { Db } from '../db/db.js';
import { ownerFilters, Params, type ScopeMatch } from '../db/sql.js';
import type { Task, TaskStatus } from './tasks-schema.js';

/** The columns of a task as a {@link Task}; `t` qualifies them where a join makes `id` ambiguous. */
const columns = (t = '') =>
  `${t}id, ${t}tenant_id as tenant, ${t}user_id as "user", ${t}agent_id as agent, ${t}queue,
  ${t}dedupe_key as "dedupeKey", ${t}payload, ${t}status, ${t}priority, ${t}run_after as "runAfter",
  ${t}claimed_by as "claimedBy", ${t}claimed_at as "claimedAt", ${t}lease_until as "leaseUntil",
  ${t}attempts, ${t}max_attempts as "maxAttempts", ${t}result, ${t}error, ${t}created_at as "createdAt",
  ${t}updated_at as "updatedAt", ${t}finished_at as "finishedAt"`;
const TASK = columns();
const T_TASK = columns('t.');

/** NOTIFY channel on which a created task is announced (payload: {"tenant","queue"}). */
const TASKS_CHANNEL = 'mnemo_tasks';

/** Claimed tasks in the order a worker takes them: priority first, then due time. */
const byPriority = (a: Task, b: Task) =>
  b.priority - a.priority || a.runAfter.getTime() - b.runAfter.getTime();

/**
 * Why "on conflict do nothing" and a second select ({@link selectDeduped}): a dedupe key
 * already open or claimed in the queue (partial unique index tasks_dedupe) must return
 * the existing task, and two racing creates must not both insert. The notify is in the
 * same statement, so it is sent exactly when the insert commits. Null when deduped.
 *
 * @example
 * const t = await insertTask(db, { tenant: 'default', user: '', agent: '', queue: 'crawl', dedupeKey: null,
 *   payload: {}, priority: 0, runAfter: now, maxAttempts: 5, now });
 */
export async function insertTask(
  db: Db,
  t: Pick<Task, 'tenant' | 'user' | 'agent' | 'queue' | 'dedupeKey' | 'payload' | 'priority'> & {
    runAfter: Date;
    maxAttempts: number;
    now: Date;
  },
): Promise<Task | null> {
  const { rows } = await db.query<Task>(
    `with ins as (
  insert into tasks (tenant_id, user_id, agent_id, queue, dedupe_key, payload, priority, run_after,
                     max_attempts, created_at, updated_at)
  values ($1, $2, $3, $4, $5, $6::jsonb, $7::int, $8::timestamptz, $9::int, $10::timestamptz, $10::timestamptz)
  on conflict (tenant_id, queue, dedupe_key) where dedupe_key is not null and status in ('open', 'claimed')
  do nothing
  returning *
)
select ${TASK}, pg_notify($11, json_build_object('tenant', $1::text, 'queue', $4::text)::text)
from ins`,
    [
      t.tenant,
      t.user,
      t.agent,
      t.queue,
      t.dedupeKey,
      JSON.stringify(t.payload),
      t.priority,
      t.runAfter,
      t.maxAttempts,
      t.now,
      TASKS_CHANNEL,
    ],
  );
  return strip(rows[0]);
}

/** The row of insertTask carries pg_notify's (void) column: not part of a task. */
function strip(row: (Task & { pg_notify?: unknown }) | undefined): Task | null {
  if (!row) return null;
  const { pg_notify: _, ...task } = row;
  return task;
}

/**
 * The open or claimed task holding a dedupe key.
 *
 * @example
 * await selectDeduped(db, { tenant: 'default', queue: 'crawl', dedupeKey: 'example.org' });
 */
export async function selectDeduped(
  db: Db,
  k: { tenant: string; queue: string; dedupeKey: string | null },
): Promise<Task | null> {
  const { rows } = await db.query<Task>(
    `select ${TASK} from tasks
where tenant_id = $1 and queue = $2 and dedupe_key = $3 and status in ('open', 'claimed')`,
    [k.tenant, k.queue, k.dedupeKey],
  );
  return rows[0] ?? null;
}

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

/** Condition of every operation of the holder: $1 tenant, $2 id, $3 now, $4 agent. */
const HELD = `tenant_id = $1 and id = $2 and status = 'claimed' and claimed_by = $4 and lease_until >= $3::timestamptz`;

/**
 * The task an agent holds, as the holder operations name it.
 *
 * @example
 * const h: Held = { tenant: 'default', id, agent: 'w1', now: new Date() };
 */
export interface Held {
  tenant: string;
  id: string;
  agent: string;
  now: Date;
}
const held = (h: Held) => [h.tenant, h.id, h.now, h.agent];

/**
 * Extends a held lease; null when the task is not held.
 *
 * @example
 * await heartbeatTask(db, { tenant, id, agent: 'w1', now, leaseSeconds: 60 });
 */
export async function heartbeatTask(db: Db, h: Held & { leaseSeconds: number }): Promise<Task | null> {
  const { rows } = await db.query<Task>(
    `update tasks set lease_until = $3::timestamptz + $5::float8 * interval '1 second', updated_at = $3::timestamptz
where ${HELD}
returning ${TASK}`,
    [...held(h), h.leaseSeconds],
  );
  return rows[0] ?? null;
}

/**
 * Completes a held task with its result; null when the task is not held.
 *
 * @example
 * await completeTask(db, { tenant, id, agent: 'w1', now, result: { pages: 3 } });
 */
export async function completeTask(db: Db, h: Held & { result: unknown }): Promise<Task | null> {
  const { rows } = await db.query<Task>(
    `update tasks set status = 'done', result = $5::jsonb, lease_until = null, finished_at = $3::timestamptz,
  updated_at = $3::timestamptz
where ${HELD}
returning ${TASK}`,
    [...held(h), JSON.stringify(h.result ?? null)],
  );
  return rows[0] ?? null;
}

/**
 * Fails a held task: back to open with exponential backoff (base * 2^attempts ms,
 * capped) while attempts remain and retry is allowed, else failed for good. The SET
 * expressions read the row as it was before the update. Null when the task is not held.
 *
 * @example
 * await failTask(db, { tenant, id, agent: 'w1', now, error: 'timeout', retry: true, backoffBaseMs: 1000, backoffMaxMs: 3_600_000 });
 */
export async function failTask(
  db: Db,
  h: Held & { error: string; retry: boolean; backoffBaseMs: number; backoffMaxMs: number },
): Promise<Task | null> {
  const { rows } = await db.query<Task>(
    `update tasks set
  status = case when $6::boolean and attempts < max_attempts then 'open' else 'failed' end,
  run_after = case when $6::boolean and attempts < max_attempts
    then $3::timestamptz + least($7::float8 * power(2, attempts), $8::float8) * interval '1 millisecond'
    else run_after end,
  claimed_by = case when $6::boolean and attempts < max_attempts then null else claimed_by end,
  finished_at = case when $6::boolean and attempts < max_attempts then null else $3::timestamptz end,
  error = $5, lease_until = null, updated_at = $3::timestamptz
where ${HELD}
returning ${TASK}`,
    [...held(h), h.error, h.retry, h.backoffBaseMs, h.backoffMaxMs],
  );
  return rows[0] ?? null;
}

/**
 * Gives a held task back (graceful shutdown): open again, the attempt not counted.
 *
 * @example
 * await releaseTask(db, { tenant, id, agent: 'w1', now });
 */
export async function releaseTask(db: Db, h: Held): Promise<Task | null> {
  const { rows } = await db.query<Task>(
    `update tasks set status = 'open', claimed_by = null, claimed_at = null, lease_until = null,
  attempts = greatest(attempts - 1, 0), updated_at = $3::timestamptz
where ${HELD}
returning ${TASK}`,
    held(h),
  );
  return rows[0] ?? null;
}

/**
 * Cancels an open or claimed task; null when there is none such.
 *
 * @example
 * await cancelTask(db, { tenant: 'default', id, now });
 */
export async function cancelTask(db: Db, c: { tenant: string; id: string; now: Date }): Promise<Task | null> {
  const { rows } = await db.query<Task>(
    `update tasks set status = 'cancelled', lease_until = null, finished_at = $3::timestamptz, updated_at = $3::timestamptz
where tenant_id = $1 and id = $2 and status in ('open', 'claimed')
returning ${TASK}`,
    [c.tenant, c.id, c.now],
  );
  return rows[0] ?? null;
}

/**
 * One task of a tenant, or null.
 *
 * @example
 * const t = await selectTask(db, { tenant: 'default', id });
 */
export async function selectTask(db: Db, k: { tenant: string; id: string }): Promise<Task | null> {
  const { rows } = await db.query<Task>(`select ${TASK} from tasks where tenant_id = $1 and id = $2`, [
    k.tenant,
    k.id,
  ]);
  return rows[0] ?? null;
}

/**
 * Tasks of a tenant, newest first, with the optional filters of `tasks.list`.
 *
 * @example
 * await listTasks(db, { tenant: 'default', scope: { user: '', agent: '' }, status: 'open', limit: 100 });
 */
export async function listTasks(
  db: Db,
  f: {
    tenant: string;
    scope: { user: string; agent: string };
    scopeMatch?: ScopeMatch;
    queue?: string;
    status?: TaskStatus;
    claimedBy?: string;
    limit: number;
  },
): Promise<Task[]> {
  const p = new Params();
  let sql = `select ${TASK} from tasks where tenant_id = ${p.add(f.tenant)}`;
  // The queue is the tenant's: only an explicit scopeMatch narrows it to who created the tasks.
  if (f.scopeMatch)
    for (const w of ownerFilters(p, f.scope, ['user', 'agent'], f.scopeMatch)) sql += ` and ${w}`;
  if (f.queue) sql += ` and queue = ${p.add(f.queue)}`;
  if (f.status) sql += ` and status = ${p.add(f.status)}`;
  if (f.claimedBy) sql += ` and claimed_by = ${p.add(f.claimedBy)}`;
  sql += ` order by created_at desc, id limit ${p.add(f.limit)}::int`;
  return (await db.query<Task>(sql, p.values)).rows;
}

/**
 * Calls `onCreated` with the tenant and queue of each task created from now on
 * (LISTEN/NOTIFY: a hint only, always claim to find out). Returns a stopper.
 *
 * @example
 * const stop = await listenForTasks(db, (m) => m.queue === 'crawl' && wake()); await stop();
 */
export function listenForTasks(
  db: Db,
  onCreated: (m: { tenant?: string; queue?: string }) => void,
): Promise<() => Promise<void>> {
  return db.listen(TASKS_CHANNEL, (payload) => {
    let m: { tenant?: string; queue?: string };
    try {
      m = JSON.parse(payload) as typeof m;
    } catch {
      return; // Not ours: ignore.
    }
    onCreated(m);
  });
}
