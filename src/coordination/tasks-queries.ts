import type { Task, TaskStatus } from './tasks-schema.js';

/** A row of the tasks table as the drivers return it. */
export interface TaskRow {
  id: string;
  tenant_id: string;
  user_id: string;
  agent_id: string;
  queue: string;
  dedupe_key: string | null;
  payload: unknown;
  status: TaskStatus;
  priority: number;
  run_after: Date;
  claimed_by: string | null;
  claimed_at: Date | null;
  lease_until: Date | null;
  attempts: number;
  max_attempts: number;
  result: unknown;
  error: string | null;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

/** Maps a row to the public {@link Task}. */
export function toTask(r: TaskRow): Task {
  return {
    id: r.id,
    tenant: r.tenant_id,
    user: r.user_id ?? '',
    agent: r.agent_id ?? '',
    queue: r.queue,
    dedupeKey: r.dedupe_key,
    payload: r.payload,
    status: r.status,
    priority: r.priority,
    runAfter: r.run_after,
    claimedBy: r.claimed_by,
    claimedAt: r.claimed_at,
    leaseUntil: r.lease_until,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    result: r.result ?? null,
    error: r.error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
  };
}

/** NOTIFY channel on which create() announces new tasks (payload: {"tenant","queue"}). */
export const TASKS_CHANNEL = 'mnemo_tasks';

/**
 * Why "on conflict do nothing" and a second select: a dedupe key already open or
 * claimed in the queue (partial unique index tasks_dedupe) must return the existing
 * task, and two racing creates must not both insert. The notify is in the same
 * statement, so it is sent exactly when the insert commits.
 * $1 tenant, $2 user, $3 agent, $4 queue, $5 dedupe key, $6 payload, $7 priority,
 * $8 run after, $9 max attempts, $10 now.
 */
export const INSERT_TASK = `
with ins as (
  insert into tasks (tenant_id, user_id, agent_id, queue, dedupe_key, payload, priority, run_after,
                     max_attempts, created_at, updated_at)
  values ($1, $2, $3, $4, $5, $6::jsonb, $7::int, $8::timestamptz, $9::int, $10::timestamptz, $10::timestamptz)
  on conflict (tenant_id, queue, dedupe_key) where dedupe_key is not null and status in ('open', 'claimed')
  do nothing
  returning *
)
select ins.*, pg_notify('${TASKS_CHANNEL}', json_build_object('tenant', $1::text, 'queue', $4::text)::text)
from ins`;

/** The open or claimed task holding a dedupe key. $1 tenant, $2 queue, $3 dedupe key. */
export const SELECT_DEDUPED = `
select * from tasks
where tenant_id = $1 and queue = $2 and dedupe_key = $3 and status in ('open', 'claimed')`;

/**
 * Why this shape: claimable tasks are due open ones and claimed ones whose lease
 * expired (their agent died). Each kind is read from its own partial index with
 * "for update skip locked", so concurrent claimers never wait for nor take the same
 * row; the union is then cut to the batch size in priority order. Expired tasks that
 * already used every attempt are failed in the same statement instead of reclaimed.
 * Parameters: $1 queue, $2 now, $3 batch size, $4 agent, $5 lease seconds,
 * then $6 tenant when `perTenant` (mnemo's own "mnemo.*" queues are claimed across tenants).
 */
export function claimSql(perTenant: boolean): string {
  return `with ${claimCtes(perTenant)}
update tasks t set status = 'claimed', claimed_by = $4, claimed_at = $2::timestamptz,
  lease_until = $2::timestamptz + $5::float8 * interval '1 second',
  attempts = t.attempts + 1, updated_at = $2::timestamptz
from picked
where t.id = picked.id
returning t.*`;
}

/**
 * Completes held tasks and claims the next ones in one statement: a busy worker's one
 * round trip and one commit for a whole batch. The claim parts read the snapshot taken
 * before the completions, in which the completed tasks are still claimed with a live
 * lease, so they can never be picked again. Rows come back tagged: kind 'done' (tasks
 * not held are simply absent) and kind 'claimed'. With $8 true, nothing is claimed when
 * no task was completed (a lost lease). Parameters as claimSql with a tenant, then
 * $7 a JSON array of {id, result}, $8 the gate.
 */
export const COMPLETE_AND_CLAIM = `with done as (
  update tasks t set status = 'done', result = v.result, lease_until = null, finished_at = $2::timestamptz,
    updated_at = $2::timestamptz
  from jsonb_to_recordset($7::jsonb) as v(id uuid, result jsonb)
  where t.tenant_id = $6 and t.id = v.id and t.status = 'claimed' and t.claimed_by = $4
    and t.lease_until >= $2::timestamptz
  returning t.*
), ${claimCtes(true, 'where not $8::boolean or exists (select 1 from done)')}, claimed as (
  update tasks t set status = 'claimed', claimed_by = $4, claimed_at = $2::timestamptz,
    lease_until = $2::timestamptz + $5::float8 * interval '1 second',
    attempts = t.attempts + 1, updated_at = $2::timestamptz
  from picked
  where t.id = picked.id
  returning t.*
)
select 'done' as kind, * from done
union all
select 'claimed' as kind, * from claimed`;

function claimCtes(perTenant: boolean, gate = ''): string {
  const where = perTenant ? `tenant_id = $6 and queue = $1` : `queue = $1 and queue like 'mnemo.%'`;
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
  ${gate}
  order by priority desc, run_after
  limit $3::int
)`;
}

/** Condition shared by every operation of the holder: $1 tenant, $2 id, $3 now, $4 agent. */
const HELD = `tenant_id = $1 and id = $2 and status = 'claimed' and claimed_by = $4 and lease_until >= $3::timestamptz`;

/** Extends a held lease. $5 lease seconds. */
export const HEARTBEAT = `
update tasks set lease_until = $3::timestamptz + $5::float8 * interval '1 second', updated_at = $3::timestamptz
where ${HELD}
returning *`;

/** Completes a held task. $5 result. */
export const COMPLETE = `
update tasks set status = 'done', result = $5::jsonb, lease_until = null, finished_at = $3::timestamptz,
  updated_at = $3::timestamptz
where ${HELD}
returning *`;

/**
 * Fails a held task: back to open with exponential backoff (base * 2^attempts ms,
 * capped) while attempts remain and retry is allowed, else failed for good. The SET
 * expressions read the row as it was before the update.
 * $5 error, $6 retry, $7 backoff base ms, $8 backoff cap ms.
 */
export const FAIL = `
update tasks set
  status = case when $6::boolean and attempts < max_attempts then 'open' else 'failed' end,
  run_after = case when $6::boolean and attempts < max_attempts
    then $3::timestamptz + least($7::float8 * power(2, attempts), $8::float8) * interval '1 millisecond'
    else run_after end,
  claimed_by = case when $6::boolean and attempts < max_attempts then null else claimed_by end,
  finished_at = case when $6::boolean and attempts < max_attempts then null else $3::timestamptz end,
  error = $5, lease_until = null, updated_at = $3::timestamptz
where ${HELD}
returning *`;

/** Gives a held task back (graceful shutdown): open again, the attempt not counted. */
export const RELEASE = `
update tasks set status = 'open', claimed_by = null, claimed_at = null, lease_until = null,
  attempts = greatest(attempts - 1, 0), updated_at = $3::timestamptz
where ${HELD}
returning *`;

/** Cancels an open or claimed task. $1 tenant, $2 id, $3 now. */
export const CANCEL = `
update tasks set status = 'cancelled', lease_until = null, finished_at = $3::timestamptz, updated_at = $3::timestamptz
where tenant_id = $1 and id = $2 and status in ('open', 'claimed')
returning *`;

/** One task of a tenant. $1 tenant, $2 id. */
export const SELECT_TASK = `select * from tasks where tenant_id = $1 and id = $2`;
