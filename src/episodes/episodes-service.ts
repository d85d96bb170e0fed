import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { Params } from '../db/sql.js';
import { InvalidInputError } from '../errors.js';
import { resolveScope } from '../scope.js';
import { parse } from '../validation.js';
import { cursorTimestampSql, decodeCursor, encodeCursor } from './episodes-cursor.js';
import {
  EPISODE_COLUMNS,
  type EpisodeRow,
  INSERT_BATCH,
  SELECT_BY_KEYS,
  toEpisode,
} from './episodes-queries.js';
import {
  type AppendEpisodeInput,
  type AppendManyInput,
  appendEpisodeSchema,
  appendManySchema,
  type Episode,
  type GetEpisodeInput,
  getEpisodeSchema,
  type ListEpisodesInput,
  listEpisodesSchema,
  type Page,
} from './episodes-schema.js';

/**
 * The episodic log: append-only, no update of content ever.
 *
 * @example
 * const eps: Episodes = mem.episodes; await eps.append({ content: 'hello' });
 */
export interface Episodes {
  /** Appends one episode; with an idempotency key already used in the tenant, returns the stored one. */
  append(input: AppendEpisodeInput): Promise<Episode>;
  /** Appends up to LIMITS.batch episodes in one statement; results in input order. */
  appendMany(input: AppendManyInput): Promise<Episode[]>;
  /** One episode by id, or null (also for an id of another tenant or outside the scope). */
  get(input: GetEpisodeInput): Promise<Episode | null>;
  /** Newest first (occurredAt desc, seq desc), with keyset pagination. */
  list(input?: ListEpisodesInput): Promise<Page<Episode>>;
}

type Item = Record<string, unknown> & { idempotencyKey?: string };

/**
 * Builds the episodic log.
 *
 * @example
 * const episodes = createEpisodes({ db, clock: systemClock });
 * const e = await episodes.append({ scope: { user: 'alice' }, content: 'deployed the API', tags: ['ops'] });
 * const { items, nextCursor } = await episodes.list({ scope: { user: 'alice' }, limit: 20 });
 */
export function createEpisodes({ db, clock }: { db: Db; clock: Clock }): Episodes {
  async function insertBatch(tenant: string, items: Item[]): Promise<Episode[]> {
    const ids = items.map(() => randomUUID());
    const docs = items.map((it, i) => ({ ...it, id: ids[i] }));
    const now = clock.now();
    const { rows } = await db.query<EpisodeRow>(INSERT_BATCH, [tenant, JSON.stringify(docs), now]);
    const byId = new Map(rows.map((r) => [r.id, toEpisode(r)]));
    const missingKeys = [
      ...new Set(items.filter((_, i) => !byId.has(ids[i])).map((it) => it.idempotencyKey as string)),
    ];
    const byKey = new Map<string, Episode>();
    if (missingKeys.length) {
      const dup = await db.query<EpisodeRow & { idempotency_key: string }>(SELECT_BY_KEYS, [
        tenant,
        missingKeys,
      ]);
      for (const r of dup.rows) byKey.set(r.idempotency_key, toEpisode(r));
    }
    // Rows inserted by this call carry the key too: a duplicate later in the batch maps to them.
    for (const [i, it] of items.entries()) {
      const e = byId.get(ids[i]);
      if (e && it.idempotencyKey) byKey.set(it.idempotencyKey, e);
    }
    return items.map((it, i) => {
      const e = byId.get(ids[i]) ?? byKey.get(it.idempotencyKey as string);
      if (!e) throw new Error(`episode ${i} was neither inserted nor found by its idempotency key`);
      return e;
    });
  }

  function toItem(
    e: {
      content: string;
      role: string;
      eventType?: string;
      subject?: string;
      importance: number;
      tags?: string[];
      metadata?: Record<string, unknown>;
      occurredAt?: Date;
      idempotencyKey?: string;
    },
    who: { user: string; agent: string; session: string },
  ): Item {
    return {
      user: who.user,
      agent: who.agent,
      session: who.session,
      role: e.role,
      eventType: e.eventType ?? '',
      subject: e.subject ?? '',
      content: e.content,
      importance: e.importance,
      tags: e.tags ?? [],
      metadata: e.metadata ?? {},
      ...(e.occurredAt ? { occurredAt: e.occurredAt.toISOString() } : {}),
      ...(e.idempotencyKey ? { idempotencyKey: e.idempotencyKey } : {}),
    };
  }

  return {
    async append(input) {
      const i = parse(appendEpisodeSchema, input, 'episode');
      const s = resolveScope(i.scope);
      const [e] = await insertBatch(s.tenant, [toItem(i, s)]);
      return e;
    },

    async appendMany(input) {
      const i = parse(appendManySchema, input, 'episodes');
      const s = resolveScope(i.scope);
      return insertBatch(
        s.tenant,
        i.episodes.map((e) => toItem(e, { ...s, session: e.session ?? s.session })),
      );
    },

    async get(input) {
      const i = parse(getEpisodeSchema, input, 'input');
      const s = resolveScope(i.scope);
      const p = new Params();
      const where = [`tenant_id = ${p.add(s.tenant)}`, `id = ${p.add(i.id)}`, ...scopeFilters(p, s)];
      const { rows } = await db.query<EpisodeRow>(
        `select ${EPISODE_COLUMNS} from episodes where ${where.join(' and ')}`,
        p.values,
      );
      return rows[0] ? toEpisode(rows[0]) : null;
    },

    async list(input = {}) {
      const i = parse(listEpisodesSchema, input, 'input');
      const s = resolveScope(i.scope);
      if (i.session !== undefined) s.session = i.session;
      const p = new Params();
      const where = [`tenant_id = ${p.add(s.tenant)}`, ...scopeFilters(p, s)];
      if (i.since) where.push(`occurred_at >= ${p.add(i.since)}`);
      if (i.until) where.push(`occurred_at < ${p.add(i.until)}`);
      if (i.since && i.until && i.since > i.until)
        throw new InvalidInputError('"until": must not be before "since"', 'until');
      if (i.eventType !== undefined) where.push(`event_type = ${p.add(i.eventType)}`);
      if (i.role) where.push(`role = ${p.add(i.role)}`);
      if (i.tag) where.push(`tags @> array[${p.add(i.tag)}::text]`);
      if (i.tags?.length) where.push(`tags @> ${p.add(i.tags)}::text[]`);
      if (i.minImportance) where.push(`importance >= ${p.add(i.minImportance)}`);
      if (!i.includeArchived) where.push('archived_at is null');
      if (i.cursor) {
        const c = decodeCursor(i.cursor);
        if (!/^\d+$/.test(c.key))
          throw new InvalidInputError('"cursor": not a cursor of episodes.list', 'cursor');
        where.push(`(occurred_at, seq) < (${p.add(c.ts)}::timestamptz, ${p.add(c.key)}::bigint)`);
      }
      const { rows } = await db.query<EpisodeRow & { cursor_ts: string }>(
        `select ${EPISODE_COLUMNS}, ${cursorTimestampSql('occurred_at')} as cursor_ts
         from episodes where ${where.join(' and ')}
         order by occurred_at desc, seq desc limit ${p.add(i.limit + 1)}`,
        p.values,
      );
      const more = rows.length > i.limit;
      const page = more ? rows.slice(0, i.limit) : rows;
      const last = page[page.length - 1];
      return {
        items: page.map(toEpisode),
        nextCursor: more && last ? encodeCursor(last.cursor_ts, last.seq) : null,
      };
    },
  };
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
