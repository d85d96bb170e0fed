/**
 * SQL of observations: one function per statement, holding its text and its values.
 * Observations are episodes with role `event`; rows are selected with the record's
 * field names, so only `seq` (a bigint: a string on some drivers) needs mapping.
 */
import type { Db } from '../db/db.js';
import { Params } from '../db/sql.js';
import type { Observation } from './observations-schema.js';

/** NOTIFY channel of new observations; payload `{"tenant": ..., "seq": ...}` (never content). */
export const OBSERVATIONS_CHANNEL = 'mnemo_observations';

/** Columns of an observation, aliased to its field names. */
const OBS_COLUMNS = `id, seq, tenant_id as tenant, user_id as "user", agent_id as agent, session_id as session,
  subject, event_type as type, coalesce(metadata, '{}'::jsonb) as payload, content, importance,
  coalesce(tags, '{}'::text[]) as tags, occurred_at as "occurredAt"`;

/** `seq` is a bigint: some drivers return it as a string. */
const toObservation = (r: Observation): Observation => ({ ...r, seq: Number(r.seq) });

/**
 * Why a per-tenant advisory lock (class key + hashtext(tenant)): seq comes from an
 * identity, handed out at insert time, so two concurrent writers could commit in the
 * other order and a reader that saw seq 11 before 10 committed would skip 10. Holding
 * this transaction-level lock from before the insert until commit makes seq order equal
 * commit order for a tenant's observations, so "seq > cursor" never misses one.
 *
 * @example
 * await db.transaction(async (tx) => { await lockTenant(tx, 'acme'); ... });
 */
export async function lockTenant(tx: Db, tenant: string): Promise<void> {
  await tx.query(`select pg_advisory_xact_lock(7263013, hashtext($1::text))`, [tenant]);
}

/**
 * What an observation is stored with (scope resolved, defaults applied).
 *
 * @example
 * const v: ObservationValues = { tenant: 'acme', user: '', agent: 'ci', session: '', type: 't', subject: 's', content: 'c', importance: 5, tags: [], payload: {}, now: new Date() };
 */
export interface ObservationValues {
  tenant: string;
  user: string;
  agent: string;
  session: string;
  type: string;
  subject: string;
  content: string;
  importance: number;
  tags: string[];
  payload: Record<string, unknown>;
  now: Date;
}

/**
 * Appends the episode and notifies in one statement (the notify is delivered at commit).
 * Run it under {@link lockTenant}.
 *
 * @example
 * const o = await insertObservation(tx, { tenant, user: '', agent: 'ci', session: '', type: 'deploy_failed', ... });
 */
export async function insertObservation(tx: Db, v: ObservationValues): Promise<Observation> {
  const { rows } = await tx.query<Observation>(
    `with ins as (
      insert into episodes (tenant_id, user_id, agent_id, session_id, role, event_type, subject, content,
                            importance, tags, metadata, occurred_at, created_at)
      values ($1, $2, $3, $4, 'event', $5, $6, $7, $8::smallint, $9::text[], $10::jsonb, $11::timestamptz, $11::timestamptz)
      returning ${OBS_COLUMNS}
    )
    select ins.*, pg_notify('${OBSERVATIONS_CHANNEL}', json_build_object('tenant', tenant, 'seq', seq)::text) as notified
    from ins`,
    [
      v.tenant,
      v.user,
      v.agent,
      v.session,
      v.type,
      v.subject,
      v.content,
      v.importance,
      v.tags,
      JSON.stringify(v.payload),
      v.now,
    ],
  );
  const { notified: _n, ...o } = rows[0] as Observation & { notified?: unknown };
  return toObservation(o);
}

/**
 * The newest observation seq of a tenant (run it under {@link lockTenant}: nothing is in flight).
 *
 * @example
 * const seq = await maxSeq(tx, 'acme');
 */
export async function maxSeq(tx: Db, tenant: string): Promise<number> {
  const { rows } = await tx.query<{ seq: number }>(
    `select coalesce(max(seq), 0) as seq from episodes where tenant_id = $1 and role = 'event'`,
    [tenant],
  );
  return Number(rows[0]?.seq ?? 0);
}

/**
 * The filters of {@link selectObservations}.
 *
 * @example
 * const f: ObservationFilter = { tenant: 'acme', type: 'incident', limit: 10 };
 */
export interface ObservationFilter {
  tenant: string;
  subject?: string;
  type?: string;
  agent?: string;
  since?: Date | string;
  until?: Date | string;
  text?: string;
  limit: number;
}

/**
 * Observations of a tenant, newest first.
 *
 * @example
 * const recent = await selectObservations(db, { tenant: 'acme', subject: 'payments', limit: 50 });
 */
export async function selectObservations(db: Db, f: ObservationFilter): Promise<Observation[]> {
  const p = new Params();
  const where = [`tenant_id = ${p.add(f.tenant)}`, `role = 'event'`];
  if (f.subject) where.push(`subject = ${p.add(f.subject)}`);
  if (f.type) where.push(`event_type = ${p.add(f.type)}`);
  if (f.agent) where.push(`agent_id = ${p.add(f.agent)}`);
  if (f.since) where.push(`occurred_at >= ${p.add(f.since)}::timestamptz`);
  if (f.until) where.push(`occurred_at < ${p.add(f.until)}::timestamptz`);
  if (f.text) where.push(`tsv @@ websearch_to_tsquery('english', ${p.add(f.text)})`);
  const { rows } = await db.query<Observation>(
    `select ${OBS_COLUMNS} from episodes where ${where.join(' and ')}
     order by occurred_at desc, seq desc limit ${p.add(f.limit)}::int`,
    p.values,
  );
  return rows.map(toObservation);
}

/**
 * The next observations after a seq, in seq order (a subscription's catch-up and live reads).
 *
 * @example
 * const batch = await selectAfter(db, { tenant: 'acme', after: 41, types: ['deploy_failed'], limit: 500 });
 */
export async function selectAfter(
  db: Db,
  f: { tenant: string; after: number; types?: string[]; subjects?: string[]; limit: number },
): Promise<Observation[]> {
  const q = new Params();
  let sql = `select ${OBS_COLUMNS} from episodes
    where tenant_id = ${q.add(f.tenant)} and role = 'event' and seq > ${q.add(f.after)}::bigint`;
  if (f.types?.length) sql += ` and event_type = any(${q.add(f.types)}::text[])`;
  if (f.subjects?.length) sql += ` and subject = any(${q.add(f.subjects)}::text[])`;
  sql += ` order by seq limit ${q.add(f.limit)}::int`;
  return (await db.query<Observation>(sql, q.values)).rows.map(toObservation);
}

/**
 * The line stored as content when none is given: `deploy_failed on payments: region=eu, code=500`.
 *
 * @example
 * defaultContent('deploy_failed', 'payments', { region: 'eu' }) // 'deploy_failed on payments: region=eu'
 */
export function defaultContent(
  type: string,
  subject: string,
  payload: Record<string, unknown> | undefined,
): string {
  const parts = Object.entries(payload ?? {}).map(
    ([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`,
  );
  const line = `${type} on ${subject}${parts.length ? `: ${parts.join(', ')}` : ''}`;
  return line.length > 2000 ? `${line.slice(0, 1997)}...` : line;
}
