/**
 * SQL of retention: one function per statement. Deletes take at most `limit` rows each,
 * through a sub-select of the ids, so a statement is short and holds its locks briefly;
 * the caller loops until a batch comes back smaller than the limit. These read every
 * tenant: they run on the store's own connection, never in a request's tenant transaction.
 */
import type { Db } from '../db/db.js';

/**
 * Deletes at most `limit` usage events created before `before`; returns how many.
 *
 * @example
 * while ((await deleteOldUsage(db, cutoff, 5000)) === 5000) {}
 */
export async function deleteOldUsage(db: Db, before: Date, limit: number): Promise<number> {
  const { rowCount } = await db.query(
    `delete from usage_events where id in (
      select id from usage_events where created_at < $1 limit $2)`,
    [before, limit],
  );
  return rowCount;
}

/**
 * How many usage events were created before `before` (a dry run's figure).
 *
 * @example
 * await countOldUsage(db, cutoff); // => 120
 */
export async function countOldUsage(db: Db, before: Date): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'select count(*)::int as n from usage_events where created_at < $1',
    [before],
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Deletes at most `limit` brain keys expired at `now` and appends, for each, the history
 * row brain.delete writes (op `delete`, the old value, the next version), by
 * `mnemo:expired` at the moment it expired; returns how many keys went.
 *
 * Why `for update skip locked` and the repeated expiry test: a key a writer holds (a
 * `set` renewing it) is skipped this round, and a key renewed between the sub-select and
 * the delete is re-checked on its new row and stays.
 *
 * @example
 * const swept = await sweepExpiredKeys(db, clock.now(), 5000);
 */
export async function sweepExpiredKeys(db: Db, now: Date, limit: number): Promise<number> {
  const { rowCount } = await db.query(
    `with gone as (
      delete from brain b
       where (b.tenant_id, b.user_id, b.agent_id, b.key) in (
         select tenant_id, user_id, agent_id, key from brain
          where expires_at is not null and expires_at <= $1
          limit $2 for update skip locked)
         and b.expires_at is not null and b.expires_at <= $1
      returning b.tenant_id, b.user_id, b.agent_id, b.key, b.value, b.version, b.expires_at
    )
    insert into brain_history (tenant_id, user_id, agent_id, key, op, old_value, new_value, version,
      changed_by, changed_at)
    select tenant_id, user_id, agent_id, key, 'delete', value, null, version + 1, 'mnemo:expired', expires_at
      from gone`,
    [now, limit],
  );
  return rowCount;
}

/**
 * How many brain keys are expired at `now` and not swept yet (a dry run's figure).
 *
 * @example
 * await countExpiredKeys(db, clock.now()); // => 3
 */
export async function countExpiredKeys(db: Db, now: Date): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'select count(*)::int as n from brain where expires_at is not null and expires_at <= $1',
    [now],
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Up to `limit` episodes archived before `before`, oldest archive first, with their tenant.
 *
 * @example
 * const batch = await archivedEpisodes(db, cutoff, 500); // => [{ tenant: 'acme', id: '…' }]
 */
export async function archivedEpisodes(
  db: Db,
  before: Date,
  limit: number,
): Promise<{ tenant: string; id: string }[]> {
  const { rows } = await db.query<{ tenant: string; id: string }>(
    `select tenant_id as tenant, id from episodes
      where archived_at is not null and archived_at < $1
      order by archived_at, id limit $2`,
    [before, limit],
  );
  return rows;
}

/**
 * How many episodes were archived before `before` (a dry run's figure).
 *
 * @example
 * await countArchivedEpisodes(db, cutoff); // => 40
 */
export async function countArchivedEpisodes(db: Db, before: Date): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'select count(*)::int as n from episodes where archived_at is not null and archived_at < $1',
    [before],
  );
  return Number(rows[0]?.n ?? 0);
}
