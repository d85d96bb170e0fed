/**
 * SQL of conflicts: one function per statement, holding its text and its values.
 */
import type { Db } from '../db/db.js';
import { Params } from '../db/sql.js';
import type { Conflict, ConflictFact, ConflictStatus } from './conflicts-schema.js';

/** Content compared the way people read it: case, outer and repeated spaces ignored. */
const norm = (x: string) => `regexp_replace(lower(btrim(${x})), '[[:space:]]+', ' ', 'g')`;

/**
 * The user's subject and category a fact is asserted on (the key conflicts are detected by).
 *
 * @example
 * const key: SubjectKey = { tenant: 'default', user: 'alice', subject: 'alice.city', category: 'fact' };
 */
export interface SubjectKey {
  tenant: string;
  user: string;
  subject: string;
  category: string;
}

const keyValues = (k: SubjectKey) => [k.tenant, k.user, k.subject, k.category];

/**
 * Why the lock: two agents asserting contradicting facts at the same moment would
 * each miss the other's uncommitted row. Serialising the check per user, subject and
 * category means the second one, once it gets the lock, sees the first one committed.
 *
 * @example
 * await lockSubject(tx, { tenant, user, subject: 'db.port', category: 'fact' });
 */
export async function lockSubject(tx: Db, key: SubjectKey): Promise<void> {
  await tx.query(
    `select pg_advisory_xact_lock(7263014,
      hashtext($1::text || chr(31) || $2::text || chr(31) || $3::text || chr(31) || $4::text))`,
    keyValues(key),
  );
}

/**
 * The ids of the other current facts on the subject and category that say something else.
 *
 * @example
 * const ids = await contradicting(tx, key, fact.id, fact.content);
 */
export async function contradicting(
  tx: Db,
  key: SubjectKey,
  factId: string,
  content: string,
): Promise<string[]> {
  const { rows } = await tx.query<{ id: string }>(
    `select id from facts
     where tenant_id = $1 and user_id = $2 and subject = $3 and category = $4 and valid_to is null
       and id <> $5 and ${norm('content')} <> ${norm('$6::text')}`,
    [...keyValues(key), factId, content],
  );
  return rows.map((r) => r.id);
}

/**
 * Opens a conflict, or adds the facts to the one already open on the subject and
 * category (partial unique index conflicts_open_subject).
 *
 * @example
 * await upsertConflict(tx, key, [other.id, fact.id], now);
 */
export async function upsertConflict(tx: Db, key: SubjectKey, factIds: string[], now: Date): Promise<void> {
  await tx.query(
    `insert into conflicts (tenant_id, user_id, subject, category, fact_ids, created_at)
     values ($1, $2, $3, $4, $5::uuid[], $6::timestamptz)
     on conflict (tenant_id, user_id, subject, category) where status = 'open'
     do update set fact_ids = array(
       select distinct x from unnest(conflicts.fact_ids || excluded.fact_ids) as x)`,
    [...keyValues(key), factIds, now],
  );
}

/** Conflicts with their facts (provenance included), built in one query, fields as the record names them. */
const CONFLICT_SELECT = `
select c.id, c.tenant_id as tenant, c.user_id as "user", c.subject, c.category, c.fact_ids as "factIds",
  c.status, c.resolution, c.resolved_by as "resolvedBy", c.created_at as "createdAt",
  c.resolved_at as "resolvedAt", coalesce((
  select json_agg(json_build_object(
      'id', f.id, 'content', f.content, 'source', f.source, 'createdBy', f.created_by, 'agent', f.agent_id,
      'confidence', f.confidence, 'createdAt', f.created_at, 'validFrom', f.valid_from, 'validTo', f.valid_to,
      'supersededBy', f.superseded_by) order by f.created_at, f.id)
  from facts f where f.tenant_id = c.tenant_id and f.id = any(c.fact_ids)), '[]'::json) as facts
from conflicts c`;

/**
 * A conflict as selected: the record, with its fact ids (what resolve checks `keep` against).
 *
 * @example
 * const c: ConflictRecord | null = await selectConflict(db, { tenant, id, lock: false });
 */
export type ConflictRecord = Conflict & { factIds: string[] };

type JsonFact = Omit<ConflictFact, 'createdAt' | 'validFrom' | 'validTo'> & {
  createdAt: string;
  validFrom: string;
  validTo: string | null;
};

/** The facts come as JSON (text on some drivers), their dates as strings. */
function withFacts(r: Omit<ConflictRecord, 'facts'> & { facts: JsonFact[] | string }): ConflictRecord {
  const facts = (typeof r.facts === 'string' ? JSON.parse(r.facts) : r.facts) as JsonFact[];
  return {
    ...r,
    facts: facts.map((f) => ({
      ...f,
      createdAt: new Date(f.createdAt),
      validFrom: new Date(f.validFrom),
      validTo: f.validTo ? new Date(f.validTo) : null,
    })),
  };
}

/**
 * The public record, without the selected fact ids.
 *
 * @example
 * const conflict = toConflict(record);
 */
export function toConflict({ factIds: _ids, ...c }: ConflictRecord): Conflict {
  return c;
}

/**
 * One conflict of a tenant, or null; `lock` takes its row lock (for resolve).
 *
 * @example
 * const c = await selectConflict(tx, { tenant, id, lock: true });
 */
export async function selectConflict(
  tx: Db,
  { tenant, id, lock }: { tenant: string; id: string; lock: boolean },
): Promise<ConflictRecord | null> {
  const { rows } = await tx.query<Parameters<typeof withFacts>[0]>(
    `${CONFLICT_SELECT} where c.tenant_id = $1 and c.id = $2${lock ? ' for update of c' : ''}`,
    [tenant, id],
  );
  return rows[0] ? withFacts(rows[0]) : null;
}

/**
 * Conflicts of a tenant (of one user when given), newest first.
 *
 * @example
 * const open = await selectConflicts(db, { tenant, status: 'open', limit: 100 });
 */
export async function selectConflicts(
  db: Db,
  f: { tenant: string; user?: string; status?: ConflictStatus; subject?: string; limit: number },
): Promise<Conflict[]> {
  const p = new Params();
  const where = [`c.tenant_id = ${p.add(f.tenant)}`];
  if (f.user) where.push(`c.user_id = ${p.add(f.user)}`);
  if (f.status) where.push(`c.status = ${p.add(f.status)}`);
  if (f.subject) where.push(`c.subject = ${p.add(f.subject)}`);
  const { rows } = await db.query<Parameters<typeof withFacts>[0]>(
    `${CONFLICT_SELECT} where ${where.join(' and ')} order by c.created_at desc, c.id limit ${p.add(f.limit)}::int`,
    p.values,
  );
  return rows.map((r) => toConflict(withFacts(r)));
}

/**
 * Supersedes every other current fact of the conflict by the kept one.
 *
 * @example
 * await supersedeOthers(tx, { tenant, factIds: c.factIds, keep, now });
 */
export async function supersedeOthers(
  tx: Db,
  a: { tenant: string; factIds: string[]; keep: string; now: Date },
): Promise<void> {
  await tx.query(
    `update facts set valid_to = $4::timestamptz, superseded_by = $3
     where tenant_id = $1 and id = any($2::uuid[]) and id <> $3 and valid_to is null`,
    [a.tenant, a.factIds, a.keep, a.now],
  );
}

/**
 * Closes a conflict with its resolution (`both` or the kept fact's id).
 *
 * @example
 * await markResolved(tx, { tenant, id, resolution: 'both', by: 'supervisor', now });
 */
export async function markResolved(
  tx: Db,
  a: { tenant: string; id: string; resolution: string; by: string; now: Date },
): Promise<void> {
  await tx.query(
    `update conflicts set status = 'resolved', resolution = $3, resolved_by = $4, resolved_at = $5::timestamptz
     where tenant_id = $1 and id = $2`,
    [a.tenant, a.id, a.resolution, a.by, a.now],
  );
}
