/**
 * The SQL of the task queue: one function per statement, holding its text, passing its
 * values and returning rows already shaped as {@link Task} (camelCase aliases).
 */
import type { Db } from '../db/db.js';
import { ownerFilters, Params, type ScopeMatch } from '../db/sql.js';
import type { Task, TaskStatus } from './tasks-schema.js';

/**
 * The columns of a task as a {@link Task} (camelCase aliases); `t` qualifies them where
 * a join makes `id` ambiguous.
 *
 * @example
 * `select ${taskColumns()} from tasks where id = $1`
 */
export const taskColumns = (t = '') =>
  `${t}id, ${t}tenant_id as tenant, ${t}user_id as "user", ${t}agent_id as agent, ${t}queue,
  ${t}dedupe_key as "dedupeKey", ${t}payload, ${t}status, ${t}priority, ${t}run_after as "runAfter",
  ${t}claimed_by as "claimedBy", ${t}claimed_at as "claimedAt", ${t}lease_until as "leaseUntil",
  ${t}attempts, ${t}max_attempts as "maxAttempts", ${t}result, ${t}error, ${t}created_at as "createdAt",
  ${t}updated_at as "updatedAt", ${t}finished_at as "finishedAt"`;
const TASK = taskColumns();

/** NOTIFY channel on which a created task is announced (payload: {"tenant","queue"}). */
const TASKS_CHANNEL = 'mnemo_tasks';

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
