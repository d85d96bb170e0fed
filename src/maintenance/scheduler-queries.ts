/**
 * SQL of the scheduler: the one statement the task queue has no function for (a task
 * per dedupe key ever, not only while open), and the lock that makes it exact.
 */
import type { Db } from '../db/db.js';

/**
 * Takes, for the rest of the transaction, the lock of one period's task key, so that
 * the processes creating it do so one after the other.
 *
 * Why an advisory lock: the queue's unique index (tasks_dedupe) covers open and claimed
 * tasks only, so a process arriving after another one's run of the period finished
 * would add a second task. Under this lock the check for a task of the key in any
 * status and the insert are one step; each statement sees what the last holder committed.
 *
 * @example
 * await db.transaction(async (tx) => { await lockPeriodKey(tx, 'maintain:2026-12-08T00:00:00.000Z'); ... });
 */
export async function lockPeriodKey(tx: Db, key: string): Promise<void> {
  await tx.query("select pg_advisory_xact_lock(hashtextextended('mnemo.schedule:' || $1, 0))", [key]);
}

/**
 * Whether a task of this queue ever held the dedupe key, whatever its status now.
 *
 * @example
 * if (!(await periodTaskExists(tx, { tenant: 'default', queue: 'mnemo.schedule.maintain', dedupeKey }))) ...
 */
export async function periodTaskExists(
  tx: Db,
  k: { tenant: string; queue: string; dedupeKey: string },
): Promise<boolean> {
  const { rows } = await tx.query<{ found: boolean }>(
    `select exists (select 1 from tasks where tenant_id = $1 and queue = $2 and dedupe_key = $3) as found`,
    [k.tenant, k.queue, k.dedupeKey],
  );
  return rows[0]?.found === true;
}
