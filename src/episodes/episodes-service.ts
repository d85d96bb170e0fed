import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { InvalidInputError } from '../errors.js';
import { resolveScope } from '../scope.js';
import { parse } from '../validation.js';
import { decodeCursor, encodeCursor } from './episodes-cursor.js';
import {
  type EpisodeDoc,
  episodeById,
  episodesByKeys,
  insertEpisodes,
  listEpisodeRows,
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

export { scopeFilters } from './episodes-queries.js';

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

type Item = Omit<EpisodeDoc, 'id'>;

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
    const docs = items.map((it) => ({ ...it, id: randomUUID() }));
    const inserted = await insertEpisodes(db, { tenant, docs, now: clock.now() });
    const byId = new Map(inserted.map((e) => [e.id, e]));
    const missingKeys = [
      ...new Set(docs.filter((d) => !byId.has(d.id)).map((d) => d.idempotencyKey as string)),
    ];
    const byKey = missingKeys.length
      ? await episodesByKeys(db, { tenant, keys: missingKeys })
      : new Map<string, Episode>();
    // Rows inserted by this call carry the key too: a duplicate later in the batch maps to them.
    for (const d of docs) {
      const e = byId.get(d.id);
      if (e && d.idempotencyKey) byKey.set(d.idempotencyKey, e);
    }
    return docs.map((d, i) => {
      const e = byId.get(d.id) ?? byKey.get(d.idempotencyKey as string);
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
      return episodeById(db, { owner: resolveScope(i.scope), id: i.id });
    },

    async list(input = {}) {
      const i = parse(listEpisodesSchema, input, 'input');
      const owner = resolveScope(i.scope);
      if (i.session !== undefined) owner.session = i.session;
      if (i.since && i.until && i.since > i.until)
        throw new InvalidInputError('"until": must not be before "since"', 'until');
      let after: { ts: string; seq: string } | undefined;
      if (i.cursor) {
        const c = decodeCursor(i.cursor);
        if (!/^\d+$/.test(c.key))
          throw new InvalidInputError('"cursor": not a cursor of episodes.list', 'cursor');
        after = { ts: c.ts, seq: c.key };
      }
      const rows = await listEpisodeRows(db, {
        owner,
        since: i.since,
        until: i.until,
        eventType: i.eventType,
        role: i.role,
        tag: i.tag,
        tags: i.tags,
        minImportance: i.minImportance,
        includeArchived: i.includeArchived,
        after,
        limit: i.limit + 1,
      });
      const more = rows.length > i.limit;
      const page = more ? rows.slice(0, i.limit) : rows;
      const last = page[page.length - 1];
      return {
        items: page.map((r) => r.episode),
        nextCursor: more && last ? encodeCursor(last.cursorTs, last.episode.seq) : null,
      };
    },
  };
}
