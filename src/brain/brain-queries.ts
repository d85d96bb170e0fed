/**
 * The SQL of the brain: one function per statement, holding its text, passing its values
 * and returning typed rows (selected with camelCase aliases, so rows are the records).
 */
import type { Db } from '../db/db.js';
import { ownerFilters, Params, type ScopeMatch } from '../db/sql.js';
import type { ResolvedScope } from '../scope.js';
import type { BrainEntry, BrainHistoryEntry, BrainOp } from './brain-schema.js';

/** Columns of a {@link BrainEntry}, aliased to its field names. */
const ENTRY = `tenant_id as tenant, user_id as "user", agent_id as agent, key, value, category, description,
  priority, version, expires_at as "expiresAt", created_at as "createdAt", updated_at as "updatedAt",
  created_by as "createdBy", updated_by as "updatedBy"`;

/** A key is live when it has no expiry or expires after `now` ($5 in the queries below). */
const LIVE = '(expires_at is null or expires_at > $5)';

/** The same test on the existing row inside `on conflict do update`. */
const LIVE_B = '(b.expires_at is null or b.expires_at > $5)';

/**
 * One key of one scope: the row a statement reads or writes.
 *
 * @example
 * const ref: KeyRef = { scope: resolveScope({ user: 'alice' }), key: 'identity.name' };
 */
export interface KeyRef {
  scope: ResolvedScope;
  key: string;
}

/** $1-$4 of every statement on one key: tenant, user, agent, key. */
function keyValues({ scope, key }: KeyRef): unknown[] {
  return [scope.tenant, scope.user, scope.agent, key];
}

/**
 * Locks the current row of a key (if any) for the rest of the transaction, so the old value
 * written to history is exactly the one replaced. Undefined when the key has no row.
 *
 * @example
 * const prev = await lockKey(tx, ref, now); // { value, version, expired } | undefined
 */
export async function lockKey(
  tx: Db,
  ref: KeyRef,
  now: Date,
): Promise<{ value: unknown; version: number; expired: boolean } | undefined> {
  const { rows } = await tx.query<{ value: unknown; version: number; expired: boolean }>(
    `select value, version, not ${LIVE} as expired
      from brain where tenant_id = $1 and user_id = $2 and agent_id = $3 and key = $4 for update`,
    [...keyValues(ref), now],
  );
  return rows[0];
}

/**
 * What {@link upsertEntry} writes: omitted category/description/priority (null) keep the
 * live row's values; `expectedVersion` null writes unconditionally.
 *
 * @example
 * const w: UpsertEntry = { ...ref, now, value: 'Ada', category: null, description: null, priority: null, expiresAt: null, by: 'bot', expectedVersion: null };
 */
export interface UpsertEntry extends KeyRef {
  now: Date;
  value: unknown;
  category: string | null;
  description: string | null;
  priority: number | null;
  expiresAt: Date | null;
  by: string;
  expectedVersion: number | null;
}

/**
 * Creates or replaces a key; undefined when the expected version is not the current one.
 *
 * Why one statement decides the optimistic check: the `where` of `on conflict do update`
 * is evaluated against the latest committed row while holding its lock, so of two writers
 * with the same expected version exactly one updates and the other gets no row (conflict).
 * An expired row counts as version 0 (absent) but its version count continues. A new key
 * continues after the last version in history (a key deleted then set again never reuses
 * a version). `inserted` tells a fresh insert (whose version is never checked) from an update.
 *
 * @example
 * const row = await upsertEntry(tx, { ...ref, now, value: 1, ... }); // { entry, inserted } | undefined
 */
export async function upsertEntry(
  tx: Db,
  w: UpsertEntry,
): Promise<{ entry: BrainEntry; inserted: boolean } | undefined> {
  const { rows } = await tx.query<BrainEntry & { inserted: boolean }>(
    `insert into brain as b (tenant_id, user_id, agent_id, key, value, category, description,
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
    returning ${ENTRY}, (xmax = 0) as inserted`,
    [
      ...keyValues(w),
      w.now,
      JSON.stringify(w.value),
      w.category,
      w.description,
      w.priority,
      w.expiresAt,
      w.by,
      w.expectedVersion,
    ],
  );
  const row = rows[0];
  if (!row) return undefined;
  const { inserted, ...entry } = row;
  return { entry, inserted };
}

/**
 * One change of a key, as {@link insertHistory} appends it. A value is stored as JSON (a
 * JSON `null` included); `undefined` is "none" (SQL null: the key was absent, or deleted).
 *
 * @example
 * const c: KeyChange = { ...ref, op: 'set', oldValue: undefined, newValue: 'Ada', version: 1, by: 'bot', at: now };
 */
export interface KeyChange extends KeyRef {
  op: BrainOp;
  oldValue: unknown;
  newValue: unknown;
  version: number;
  by: string;
  at: Date;
}

/** JSON text of a value for a jsonb parameter; SQL null for "none" (`undefined`). */
const jsonOrNull = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));

/**
 * Appends one change to a key's history.
 *
 * @example
 * await insertHistory(tx, { ...ref, op: 'delete', oldValue: 2, newValue: undefined, version: 3, by: 'bot', at: now });
 */
export async function insertHistory(tx: Db, c: KeyChange): Promise<void> {
  await tx.query(
    `insert into brain_history (tenant_id, user_id, agent_id, key, op, old_value,
      new_value, version, changed_by, changed_at)
    values ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9, $10)`,
    [...keyValues(c), c.op, jsonOrNull(c.oldValue), jsonOrNull(c.newValue), c.version, c.by, c.at],
  );
}

/**
 * The live row of a key, or null (absent or expired at `now`).
 *
 * @example
 * const e = await getEntry(db, ref, clock.now());
 */
export async function getEntry(db: Db, ref: KeyRef, now: Date): Promise<BrainEntry | null> {
  const { rows } = await db.query<BrainEntry>(
    `select ${ENTRY} from brain
      where tenant_id = $1 and user_id = $2 and agent_id = $3 and key = $4 and ${LIVE}`,
    [...keyValues(ref), now],
  );
  return rows[0] ?? null;
}

/**
 * Deletes the live row of a key, only if its version is `expected` (null = any); the row
 * lock makes a concurrent second delete see no row. Undefined when nothing was deleted.
 *
 * @example
 * const gone = await deleteEntry(tx, ref, now, null); // { value, version } | undefined
 */
export async function deleteEntry(
  tx: Db,
  ref: KeyRef,
  now: Date,
  expected: number | null,
): Promise<{ value: unknown; version: number } | undefined> {
  const { rows } = await tx.query<{ value: unknown; version: number }>(
    `delete from brain
      where tenant_id = $1 and user_id = $2 and agent_id = $3 and key = $4 and ${LIVE}
        and ($6::int is null or version = $6::int)
      returning value, version`,
    [...keyValues(ref), now, expected],
  );
  return rows[0];
}

/**
 * The version a conditional write compares against: the live row's, else 0.
 *
 * @example
 * if ((await currentVersion(tx, ref, now)) !== expected) throw conflict;
 */
export async function currentVersion(tx: Db, ref: KeyRef, now: Date): Promise<number> {
  const { rows } = await tx.query<{ version: number }>(
    `select coalesce((select version from brain
      where tenant_id = $1 and user_id = $2 and agent_id = $3 and key = $4 and ${LIVE}), 0) as version`,
    [...keyValues(ref), now],
  );
  return Number(rows[0]?.version ?? 0);
}

/**
 * What {@link listEntries} selects: the scope's live keys (owner parts matched as
 * `scopeMatch` says), optionally under a prefix and in a category, at most `limit`.
 *
 * @example
 * const q: ListEntries = { scope, now, prefix: 'identity', limit: 1000, scopeMatch: 'exact' };
 */
export interface ListEntries {
  scope: ResolvedScope;
  now: Date;
  prefix?: string;
  category?: string;
  limit: number;
  scopeMatch: ScopeMatch;
}

/**
 * The live keys of a scope, ordered by key.
 *
 * @example
 * const items = await listEntries(db, { scope, now: clock.now(), limit: 1000, scopeMatch: 'exact' });
 */
export async function listEntries(db: Db, q: ListEntries): Promise<BrainEntry[]> {
  const p = new Params();
  const where = [
    `tenant_id = ${p.add(q.scope.tenant)}`,
    ...ownerFilters(p, q.scope, ['user', 'agent'], q.scopeMatch),
    `(expires_at is null or expires_at > ${p.add(q.now)})`,
  ];
  if (q.prefix !== undefined) {
    // Exact key or a whole segment below it: "session" matches "session.x", never "sessions".
    const ph = p.add(q.prefix);
    where.push(`(key = ${ph} or starts_with(key, ${ph} || '.'))`);
  }
  if (q.category !== undefined) where.push(`category = ${p.add(q.category)}`);
  const sql = `select ${ENTRY} from brain where ${where.join(' and ')} order by key limit ${p.add(q.limit)}`;
  return (await db.query<BrainEntry>(sql, p.values)).rows;
}

/**
 * The most recent `limit` changes of a key, returned oldest first.
 *
 * @example
 * const changes = await keyHistory(db, ref, 100);
 */
export async function keyHistory(db: Db, ref: KeyRef, limit: number): Promise<BrainHistoryEntry[]> {
  const { rows } = await db.query<BrainHistoryEntry>(
    `select op, old_value as "oldValue", new_value as "newValue", version, changed_by as "changedBy",
        changed_at as "changedAt" from (
      select id, op, old_value, new_value, version, changed_by, changed_at from brain_history
      where tenant_id = $1 and user_id = $2 and agent_id = $3 and key = $4
      order by id desc limit $5
    ) recent order by id`,
    [...keyValues(ref), limit],
  );
  return rows;
}
