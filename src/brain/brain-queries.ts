import type { BrainEntry, BrainHistoryEntry } from './brain-schema.js';

/** Columns of a {@link BrainEntry}, in the order the mapper reads them. */
const COLUMNS = `tenant_id, user_id, agent_id, key, value, category, description, priority, version,
  expires_at, created_at, updated_at, created_by, updated_by`;

/** A key is live when it has no expiry or expires after `now` ($5 in the queries below). */
const LIVE = '(expires_at is null or expires_at > $5)';

/**
 * Locks the current row of a key (if any) for the rest of the transaction, so the old value
 * written to history is exactly the one replaced. $1-$4: tenant, user, agent, key; $5: now.
 */
export const LOCK_KEY = `select value, version, not ${LIVE} as expired
  from brain where tenant_id = $1 and user_id = $2 and agent_id = $3 and key = $4 for update`;

/** The same test on the existing row inside `on conflict do update`. */
const LIVE_B = '(b.expires_at is null or b.expires_at > $5)';

/**
 * Why one statement decides the optimistic check: the `where` of `on conflict do update`
 * is evaluated against the latest committed row while holding its lock, so of two writers
 * with the same expected version exactly one updates and the other gets no row (conflict).
 * An expired row counts as version 0 (absent) but its version count continues. A new key
 * continues after the last version in history (a key deleted then set again never reuses
 * a version). Omitted category/description/priority ($7-$9 null) keep the live row's values.
 * $1-$4: tenant, user, agent, key; $5: now; $6: value; $10: expires_at; $11: by;
 * $12: expected version (null = unconditional).
 */
export const UPSERT = `insert into brain as b (tenant_id, user_id, agent_id, key, value, category, description,
    priority, version, expires_at, created_at, created_by, updated_at, updated_by)
  values ($1, $2, $3, $4, $6::jsonb, coalesce($7::text, 'general'), coalesce($8::text, ''), coalesce($9::int, 5),
    (select coalesce(max(h.version), 0) + 1 from brain_history h
      where h.tenant_id = $1 and h.user_id = $2 and h.agent_id = $3 and h.key = $4),
    $10::timestamptz, $5, $11::text, $5, $11::text)
  on conflict (tenant_id, user_id, agent_id, key) do update set
    value = excluded.value,
    category = case when ${LIVE_B} then coalesce($7::text, b.category) else excluded.category end,
    description = case when ${LIVE_B} then coalesce($8::text, b.description) else excluded.description end,
    priority = case when ${LIVE_B} then coalesce($9::int, b.priority) else excluded.priority end,
    version = b.version + 1,
    expires_at = excluded.expires_at,
    created_at = case when ${LIVE_B} then b.created_at else excluded.created_at end,
    created_by = case when ${LIVE_B} then b.created_by else excluded.created_by end,
    updated_at = excluded.updated_at,
    updated_by = excluded.updated_by
  where $12::int is null or (case when ${LIVE_B} then b.version else 0 end) = $12::int
  returning ${COLUMNS}, (xmax = 0) as inserted`;

/** Appends one change to a key's history. */
export const INSERT_HISTORY = `insert into brain_history (tenant_id, user_id, agent_id, key, op, old_value,
    new_value, version, changed_by, changed_at)
  values ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9, $10)`;

/** The live row of a key. $1-$4: tenant, user, agent, key; $5: now. */
export const GET = `select ${COLUMNS} from brain
  where tenant_id = $1 and user_id = $2 and agent_id = $3 and key = $4 and ${LIVE}`;

/**
 * Deletes the live row of a key, only if its version is the expected one ($6, null = any);
 * the row lock makes a concurrent second delete see no row.
 */
export const DELETE = `delete from brain
  where tenant_id = $1 and user_id = $2 and agent_id = $3 and key = $4 and ${LIVE}
    and ($6::int is null or version = $6::int)
  returning value, version`;

/** The version a conditional write compares against: the live row's, else 0. */
export const CURRENT_VERSION = `select coalesce((select version from brain
  where tenant_id = $1 and user_id = $2 and agent_id = $3 and key = $4 and ${LIVE}), 0) as version`;

/** Base of `list`; the service appends the scope and optional filters with `Params`. */
export const LIST = `select ${COLUMNS} from brain`;

/** The most recent `limit` ($5) changes of a key, returned oldest first. */
export const HISTORY = `select op, old_value, new_value, version, changed_by, changed_at from (
    select id, op, old_value, new_value, version, changed_by, changed_at from brain_history
    where tenant_id = $1 and user_id = $2 and agent_id = $3 and key = $4
    order by id desc limit $5
  ) recent order by id`;

/** Maps a `brain` row to a {@link BrainEntry}. */
export function toEntry(r: Record<string, unknown>): BrainEntry {
  return {
    tenant: r.tenant_id as string,
    user: r.user_id as string,
    agent: r.agent_id as string,
    key: r.key as string,
    value: r.value,
    category: r.category as string,
    description: r.description as string,
    priority: Number(r.priority),
    version: Number(r.version),
    expiresAt: (r.expires_at as Date | null) ?? null,
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
    createdBy: r.created_by as string,
    updatedBy: r.updated_by as string,
  };
}

/** Maps a `brain_history` row to a {@link BrainHistoryEntry}. */
export function toHistory(r: Record<string, unknown>): BrainHistoryEntry {
  return {
    op: r.op as 'set' | 'delete',
    oldValue: r.old_value ?? null,
    newValue: r.new_value ?? null,
    version: Number(r.version),
    changedBy: r.changed_by as string,
    changedAt: r.changed_at as Date,
  };
}
