import type { Db } from '../db/db.js';
import { Params } from '../db/sql.js';
import { cursorTimestampSql } from '../episodes/episodes-cursor.js';
import { scopeFilters } from '../episodes/episodes-queries.js';
import type { ResolvedScope } from '../scope.js';
import type { Fact, FactKind } from './facts-schema.js';

/** The columns every read returns (never `embedding` or `tsv`, which are large). */
export const FACT_COLUMNS = `id, tenant_id, user_id, agent_id, session_id, kind, category, subject, content,
  confidence, source, source_episode_ids, tags, metadata, valid_from, valid_to, superseded_by,
  created_at, created_by`;

/** A row of {@link FACT_COLUMNS}. */
export interface FactRow {
  id: string;
  tenant_id: string;
  user_id: string;
  agent_id: string;
  session_id: string;
  kind: string;
  category: string;
  subject: string;
  content: string;
  confidence: number;
  source: string;
  source_episode_ids: string[];
  tags: string[];
  metadata: Record<string, unknown>;
  valid_from: Date;
  valid_to: Date | null;
  superseded_by: string | null;
  created_at: Date;
  created_by: string;
}

/**
 * Maps a row to the public {@link Fact}.
 *
 * @example
 * const { rows } = await db.query<FactRow>(`select ${FACT_COLUMNS} from facts`); rows.map(toFact);
 */
export function toFact(r: FactRow): Fact {
  return {
    id: r.id,
    tenant: r.tenant_id,
    user: r.user_id,
    agent: r.agent_id,
    session: r.session_id,
    kind: r.kind as FactKind,
    category: r.category,
    subject: r.subject,
    content: r.content,
    confidence: Number(r.confidence),
    source: r.source,
    sourceEpisodeIds: r.source_episode_ids,
    tags: r.tags,
    metadata: r.metadata,
    validFrom: new Date(r.valid_from),
    validTo: r.valid_to ? new Date(r.valid_to) : null,
    supersededBy: r.superseded_by,
    createdAt: new Date(r.created_at),
    createdBy: r.created_by,
    current: r.valid_to === null,
  };
}

/**
 * What a new fact version is made of (the service has filled every default).
 *
 * @example
 * const row: NewFact = { tenant: 'acme', user: 'alice', agent: '', session: '', kind: 'semantic', category: 'fact', subject: '', content: 'x', confidence: 1, source: '', sourceEpisodeIds: [], tags: [], metadata: {}, validFrom: new Date(), createdAt: new Date(), createdBy: '' };
 */
export interface NewFact {
  tenant: string;
  user: string;
  agent: string;
  session: string;
  kind: string;
  category: string;
  subject: string;
  content: string;
  confidence: number;
  source: string;
  sourceEpisodeIds: string[];
  tags: string[];
  metadata: Record<string, unknown>;
  validFrom: Date;
  createdAt: Date;
  createdBy: string;
}

/**
 * Inserts one fact version and returns it.
 *
 * @example
 * const fact = await insertFact(tx, { tenant: 'acme', ...fields });
 */
export async function insertFact(db: Db, f: NewFact): Promise<Fact> {
  const { rows } = await db.query<FactRow>(
    `insert into facts (tenant_id, user_id, agent_id, session_id, kind, category, subject, content,
       confidence, source, source_episode_ids, tags, metadata, valid_from, created_at, created_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::uuid[], $12::text[], $13::jsonb, $14, $15, $16)
     returning ${FACT_COLUMNS}`,
    [
      f.tenant,
      f.user,
      f.agent,
      f.session,
      f.kind,
      f.category,
      f.subject,
      f.content,
      f.confidence,
      f.source,
      f.sourceEpisodeIds,
      f.tags,
      JSON.stringify(f.metadata),
      f.validFrom,
      f.createdAt,
      f.createdBy,
    ],
  );
  return toFact(rows[0] as FactRow);
}

/**
 * Which of the given episode ids exist in the tenant.
 *
 * @example
 * const found = await existingEpisodes(tx, 'acme', [id]);
 */
export async function existingEpisodes(db: Db, tenant: string, ids: string[]): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    'select id from episodes where tenant_id = $1 and id = any($2::uuid[])',
    [tenant, ids],
  );
  return rows.map((r) => r.id);
}

/**
 * One fact version of the scope as its row, or undefined; `lock` takes it `for update`
 * (a state change is coming).
 *
 * @example
 * const row = await factRow(tx, scope, id, { lock: true });
 */
export async function factRow(
  db: Db,
  s: ResolvedScope,
  id: string,
  opts: { lock?: boolean } = {},
): Promise<FactRow | undefined> {
  const p = new Params();
  const where = [`tenant_id = ${p.add(s.tenant)}`, `id = ${p.add(id)}`, ...scopeFilters(p, s)];
  const { rows } = await db.query<FactRow>(
    `select ${FACT_COLUMNS} from facts where ${where.join(' and ')}${opts.lock ? ' for update' : ''}`,
    p.values,
  );
  return rows[0];
}

/**
 * Closes a current fact as superseded by `next` at `validTo`; returns the closed version.
 *
 * @example
 * const old = await closeSuperseded(tx, 'acme', oldId, validFrom, next.id);
 */
export async function closeSuperseded(
  db: Db,
  tenant: string,
  id: string,
  validTo: Date,
  next: string,
): Promise<Fact> {
  const { rows } = await db.query<FactRow>(
    `update facts set valid_to = $3, superseded_by = $4 where tenant_id = $1 and id = $2
     returning ${FACT_COLUMNS}`,
    [tenant, id, validTo, next],
  );
  return toFact(rows[0] as FactRow);
}

/**
 * Closes a current fact as no longer true, keeping why in its metadata (`invalidation`).
 * `greatest` keeps valid_to from falling before valid_from (a fact asserted in the future).
 *
 * @example
 * const closed = await closeInvalidated(tx, 'acme', id, now, { reason: 'moved', by: 'coach', at: now.toISOString() });
 */
export async function closeInvalidated(
  db: Db,
  tenant: string,
  id: string,
  now: Date,
  note: { reason: string; by: string; at: string },
): Promise<Fact> {
  const { rows } = await db.query<FactRow>(
    `update facts set valid_to = greatest($3::timestamptz, valid_from),
       metadata = metadata || jsonb_build_object('invalidation', $4::jsonb)
     where tenant_id = $1 and id = $2 returning ${FACT_COLUMNS}`,
    [tenant, id, now, JSON.stringify(note)],
  );
  return toFact(rows[0] as FactRow);
}

/**
 * A page of facts of the scope, newest `validFrom` first (then id), with what the next
 * page's cursor is made of.
 *
 * @example
 * const rows = await listFactRows(db, scope, { limit: 51 });
 */
export async function listFactRows(
  db: Db,
  s: ResolvedScope,
  f: {
    kind?: string;
    category?: string;
    subject?: string;
    tag?: string;
    asOf?: Date;
    includeHistory?: boolean;
    after?: { ts: string; id: string };
    limit: number;
  },
): Promise<{ fact: Fact; cursorTs: string }[]> {
  const p = new Params();
  const where = [`tenant_id = ${p.add(s.tenant)}`, ...scopeFilters(p, s)];
  if (f.kind) where.push(`kind = ${p.add(f.kind)}`);
  if (f.category !== undefined) where.push(`category = ${p.add(f.category)}`);
  if (f.subject !== undefined) where.push(`subject = ${p.add(f.subject)}`);
  if (f.tag) where.push(`tags @> array[${p.add(f.tag)}::text]`);
  if (f.asOf) {
    const t = p.add(f.asOf);
    where.push(`valid_from <= ${t}`, `(valid_to is null or valid_to > ${t})`);
  } else if (!f.includeHistory) where.push('valid_to is null');
  if (f.after)
    where.push(`(valid_from, id) < (${p.add(f.after.ts)}::timestamptz, ${p.add(f.after.id)}::uuid)`);
  const { rows } = await db.query<FactRow & { cursor_ts: string }>(
    `select ${FACT_COLUMNS}, ${cursorTimestampSql('valid_from')} as cursor_ts
     from facts where ${where.join(' and ')}
     order by valid_from desc, id desc limit ${p.add(f.limit)}`,
    p.values,
  );
  return rows.map((r) => ({ fact: toFact(r), cursorTs: r.cursor_ts }));
}

/**
 * Every version of a fact. The chain is linear (a fact is superseded at most once and
 * by a new fact), so walking `superseded_by` backwards and forwards from the given
 * version and ordering by the step count gives first-to-current order.
 *
 * @example
 * const versions = await factChain(db, 'acme', id);
 */
export async function factChain(db: Db, tenant: string, id: string): Promise<Fact[]> {
  const { rows } = await db.query<FactRow>(
    `with recursive back(id, depth) as (
    select id, 0 from facts where tenant_id = $1 and id = $2
    union all
    select f.id, b.depth - 1 from facts f join back b on f.superseded_by = b.id where f.tenant_id = $1
  ), fwd(id, next, depth) as (
    select id, superseded_by, 0 from facts where tenant_id = $1 and id = $2
    union all
    select f.id, f.superseded_by, w.depth + 1 from facts f join fwd w on f.id = w.next where f.tenant_id = $1
  ), steps as (select id, depth from back union select id, depth from fwd)
select ${FACT_COLUMNS} from steps join facts using (id) order by depth`,
    [tenant, id],
  );
  return rows.map(toFact);
}
