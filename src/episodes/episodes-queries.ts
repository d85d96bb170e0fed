/**
 * The SQL of the episodic log: each statement is one function that holds its text, passes
 * its values and maps its rows (graphile-worker's `src/sql/*.ts` shape).
 */
import type { Db } from '../db/db.js';
import { Params } from '../db/sql.js';
import { cursorTimestampSql } from './episodes-cursor.js';
import type { Episode, EpisodeRole } from './episodes-schema.js';

/**
 * The columns every read returns, named as the {@link Episode} fields. Never the
 * `embedding` or `tsv` columns (large): `embedded` only says whether the embedding exists yet.
 */
const COLUMNS = `id, seq, tenant_id as tenant, user_id as "user", agent_id as agent, session_id as session,
  role, event_type as "eventType", subject, content, importance, tags, metadata,
  occurred_at as "occurredAt", created_at as "createdAt", archived_at as "archivedAt",
  (embedding is not null) as embedded`;

/** A row of {@link COLUMNS}: an episode whose `seq` (a bigint) may come back as text. */
type EpisodeRow = Omit<Episode, 'seq'> & { seq: number | string | bigint };

/** The episode of a row: `seq` and `importance` as numbers, nothing else selected. */
function toEpisode({ seq, importance, ...r }: EpisodeRow & Record<string, unknown>): Episode {
  const { cursorTs: _c, idempotencyKey: _k, ...e } = r;
  return { ...(e as Omit<Episode, 'seq' | 'importance'>), seq: Number(seq), importance: Number(importance) };
}

/**
 * One episode to insert, as the batch statement reads it (`e->>'field'`): the scope parts
 * and every field filled in, `occurredAt` as ISO text or absent (then `now`).
 *
 * @example
 * const doc: EpisodeDoc = { id: randomUUID(), user: 'alice', agent: '', session: '', role: 'user', eventType: '',
 *   subject: '', content: 'hi', importance: 5, tags: [], metadata: {} };
 */
export interface EpisodeDoc {
  id: string;
  user: string;
  agent: string;
  session: string;
  role: EpisodeRole | string;
  eventType: string;
  subject: string;
  content: string;
  importance: number;
  tags: string[];
  metadata: Record<string, unknown>;
  occurredAt?: string;
  idempotencyKey?: string;
}

/**
 * Inserts a batch of episodes in one statement; returns the rows inserted (not those whose
 * idempotency key was already used), in no promised order.
 *
 * Why one jsonb array parameter, expanded in SQL: 10,000 episodes cost one statement. Ids
 * are made by the caller so the returned rows can be put back in input order (RETURNING
 * does not promise an order); `ord` orders the select so seq follows the input order.
 * ON CONFLICT DO NOTHING also skips duplicates of the same idempotency key inside the
 * batch: the first one wins, the rest are looked up after ({@link episodesByKeys}).
 *
 * @example
 * const rows = await insertEpisodes(db, { tenant: 'acme', docs: [{ id: randomUUID(), ... }], now: new Date() });
 */
export async function insertEpisodes(
  db: Db,
  { tenant, docs, now }: { tenant: string; docs: EpisodeDoc[]; now: Date },
): Promise<Episode[]> {
  const { rows } = await db.query<EpisodeRow>(
    `insert into episodes (id, tenant_id, user_id, agent_id, session_id, role, event_type, subject, content,
  importance, tags, metadata, idempotency_key, occurred_at, created_at)
select (e->>'id')::uuid, $1, e->>'user', e->>'agent', e->>'session', e->>'role', e->>'eventType',
  e->>'subject', e->>'content', (e->>'importance')::smallint,
  array(select jsonb_array_elements_text(e->'tags')), e->'metadata', e->>'idempotencyKey',
  coalesce((e->>'occurredAt')::timestamptz, $3::timestamptz), $3::timestamptz
from jsonb_array_elements($2::jsonb) with ordinality as t(e, ord)
order by ord
on conflict (tenant_id, idempotency_key) where idempotency_key is not null do nothing
returning ${COLUMNS}`,
    [tenant, JSON.stringify(docs), now],
  );
  return rows.map(toEpisode);
}

/**
 * The stored episodes of idempotency keys that were already used, by key.
 *
 * @example
 * const byKey = await episodesByKeys(db, { tenant: 'acme', keys: ['deploy-v2'] });
 */
export async function episodesByKeys(
  db: Db,
  { tenant, keys }: { tenant: string; keys: string[] },
): Promise<Map<string, Episode>> {
  const { rows } = await db.query<EpisodeRow & { idempotencyKey: string }>(
    `select ${COLUMNS}, idempotency_key as "idempotencyKey" from episodes
where tenant_id = $1 and idempotency_key = any($2::text[])`,
    [tenant, keys],
  );
  return new Map(rows.map((r) => [r.idempotencyKey, toEpisode(r)]));
}

/**
 * The owner parts of a scope a read narrows to ('' = not set, no filter).
 *
 * @example
 * const owner: EpisodeOwner = resolveScope({ user: 'alice' });
 */
export interface EpisodeOwner {
  tenant: string;
  user: string;
  agent: string;
  session: string;
}

/**
 * Narrows a read to the user, agent and session of the scope, when they are set.
 *
 * @example
 * const p = new Params(); p.add('acme'); scopeFilters(p, { user: 'alice', agent: '', session: '' }) // => ['user_id = $2']
 */
export function scopeFilters(p: Params, s: { user: string; agent: string; session: string }): string[] {
  const out: string[] = [];
  if (s.user) out.push(`user_id = ${p.add(s.user)}`);
  if (s.agent) out.push(`agent_id = ${p.add(s.agent)}`);
  if (s.session) out.push(`session_id = ${p.add(s.session)}`);
  return out;
}

/**
 * One episode of the tenant by id, within the scope's set parts, or null.
 *
 * @example
 * const e = await episodeById(db, { owner: { tenant: 'acme', user: '', agent: '', session: '' }, id });
 */
export async function episodeById(
  db: Db,
  { owner, id }: { owner: EpisodeOwner; id: string },
): Promise<Episode | null> {
  const p = new Params();
  const where = [`tenant_id = ${p.add(owner.tenant)}`, `id = ${p.add(id)}`, ...scopeFilters(p, owner)];
  const { rows } = await db.query<EpisodeRow>(
    `select ${COLUMNS} from episodes where ${where.join(' and ')}`,
    p.values,
  );
  return rows[0] ? toEpisode(rows[0]) : null;
}

/**
 * The filters of {@link listEpisodeRows}, already checked.
 *
 * @example
 * const f: EpisodeListFilter = { owner, role: 'event', includeArchived: false, limit: 51 };
 */
export interface EpisodeListFilter {
  owner: EpisodeOwner;
  since?: Date;
  until?: Date;
  eventType?: string;
  role?: string;
  tag?: string;
  tags?: string[];
  minImportance?: number;
  includeArchived: boolean;
  /** The last row of the previous page: its sort timestamp (text, microseconds) and seq. */
  after?: { ts: string; seq: string };
  limit: number;
}

/**
 * Newest first (occurred_at desc, seq desc), at most `limit` rows after the keyset `after`;
 * each with the text form of its sort timestamp (see episodes-cursor.ts), for the next cursor.
 *
 * @example
 * const rows = await listEpisodeRows(db, { owner, includeArchived: false, limit: 51 });
 */
export async function listEpisodeRows(
  db: Db,
  f: EpisodeListFilter,
): Promise<{ episode: Episode; cursorTs: string }[]> {
  const p = new Params();
  const where = [`tenant_id = ${p.add(f.owner.tenant)}`, ...scopeFilters(p, f.owner)];
  if (f.since) where.push(`occurred_at >= ${p.add(f.since)}`);
  if (f.until) where.push(`occurred_at < ${p.add(f.until)}`);
  if (f.eventType !== undefined) where.push(`event_type = ${p.add(f.eventType)}`);
  if (f.role) where.push(`role = ${p.add(f.role)}`);
  if (f.tag) where.push(`tags @> array[${p.add(f.tag)}::text]`);
  if (f.tags?.length) where.push(`tags @> ${p.add(f.tags)}::text[]`);
  if (f.minImportance) where.push(`importance >= ${p.add(f.minImportance)}`);
  if (!f.includeArchived) where.push('archived_at is null');
  if (f.after)
    where.push(`(occurred_at, seq) < (${p.add(f.after.ts)}::timestamptz, ${p.add(f.after.seq)}::bigint)`);
  const { rows } = await db.query<EpisodeRow & { cursorTs: string }>(
    `select ${COLUMNS}, ${cursorTimestampSql('occurred_at')} as "cursorTs"
     from episodes where ${where.join(' and ')}
     order by occurred_at desc, seq desc limit ${p.add(f.limit)}`,
    p.values,
  );
  return rows.map((r) => ({ episode: toEpisode(r), cursorTs: r.cursorTs }));
}
