import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { decodeCursor, encodeCursor } from '../episodes/episodes-cursor.js';
import type { Page } from '../episodes/episodes-schema.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.js';
import { type ResolvedScope, resolveScope } from '../scope.js';
import { parse } from '../validation.js';
import {
  closeInvalidated,
  closeSuperseded,
  existingEpisodes,
  type FactRow,
  factChain,
  factRow,
  insertFact,
  listFactRows,
  toFact,
} from './facts-queries.js';
import {
  type AssertFactInput,
  assertFactSchema,
  type Fact,
  type FactIdInput,
  factIdSchema,
  type InvalidateFactInput,
  invalidateFactSchema,
  type ListFactsInput,
  listFactsSchema,
  type SupersedeFactInput,
  supersedeFactSchema,
} from './facts-schema.js';

/**
 * Callbacks run inside the transaction of a write (the conflicts detector uses `afterAssert`).
 *
 * @internal
 * @example
 * const hooks: FactHooks = { async afterAssert(tx, fact) { await tx.query('select 1'); } };
 */
export interface FactHooks {
  /** Runs after a fact is inserted by `assert` or as the replacement of `supersede`; throwing rolls back. */
  afterAssert?(tx: Db, fact: Fact): Promise<void>;
}

/**
 * Semantic and procedural memory: facts with validity in time, superseded rather than overwritten.
 *
 * @example
 * const facts: Facts = mem.facts; await facts.list({ category: 'preference' });
 */
export interface Facts {
  /** Stores a new current fact. */
  assert(input: AssertFactInput): Promise<Fact>;
  /** Replaces a current fact by a new version, in one transaction. */
  supersede(input: SupersedeFactInput): Promise<{ old: Fact; new: Fact }>;
  /** Closes a current fact without a replacement; the reason is kept in `metadata.invalidation`. */
  invalidate(input: InvalidateFactInput): Promise<Fact>;
  /** One version by id, or null (also for another tenant or outside the scope). */
  get(input: FactIdInput): Promise<Fact | null>;
  /** Current facts (default), the facts valid at `asOf`, or every version (`includeHistory`). */
  list(input?: ListFactsInput): Promise<Page<Fact>>;
  /** Every version of a fact, first to current. */
  chain(input: FactIdInput): Promise<Fact[]>;
}

type Fields = {
  kind?: string;
  category?: string;
  subject?: string;
  content: string;
  confidence: number;
  source?: string;
  sourceEpisodeIds?: string[];
  tags?: string[];
  metadata?: Record<string, unknown>;
};

/**
 * Builds semantic and procedural memory (a memory's `facts`; `createMemory` wires it).
 *
 * @internal
 * @example
 * const facts = createFacts({ db, clock: systemClock });
 * const a = await facts.assert({ scope: { user: 'alice' }, subject: 'alice.city', content: 'Alice lives in Lyon' });
 * const { new: b } = await facts.supersede({ scope: { user: 'alice' }, id: a.id, fact: { content: 'Alice lives in Paris' } });
 * const versions = await facts.chain({ scope: { user: 'alice' }, id: b.id }); // [a (closed), b (current)]
 */
export function createFacts({ db, clock, hooks = {} }: { db: Db; clock: Clock; hooks?: FactHooks }): Facts {
  /** Every source episode must exist in the tenant: a dangling provenance is a caller's mistake. */
  async function checkSources(tx: Db, tenant: string, ids: string[], field: string): Promise<void> {
    if (!ids.length) return;
    const found = new Set((await existingEpisodes(tx, tenant, ids)).map((id) => id.toLowerCase()));
    const i = ids.findIndex((id) => !found.has(id.toLowerCase()));
    if (i >= 0)
      throw new NotFoundError(
        `"${field}.${i}": episode ${ids[i]} does not exist in this tenant; pass ids returned by episodes.append`,
        `${field}.${i}`,
      );
  }

  async function insert(tx: Db, s: ResolvedScope, f: Fields, validFrom: Date, by: string): Promise<Fact> {
    return insertFact(tx, {
      ...s,
      kind: f.kind ?? 'semantic',
      category: f.category ?? 'fact',
      subject: f.subject ?? '',
      content: f.content,
      confidence: f.confidence,
      source: f.source ?? '',
      sourceEpisodeIds: [...new Set(f.sourceEpisodeIds ?? [])],
      tags: f.tags ?? [],
      metadata: f.metadata ?? {},
      validFrom,
      createdAt: clock.now(),
      createdBy: by,
    });
  }

  /** Locks a fact of the scope for a state change; not found names the `id` field. */
  async function lockCurrent(tx: Db, s: ResolvedScope, id: string): Promise<FactRow> {
    const old = await factRow(tx, s, id, { lock: true });
    if (!old) throw new NotFoundError(`"id": fact ${id} does not exist in this scope`, 'id');
    if (old.valid_to !== null) {
      const how = old.superseded_by ? `superseded by ${old.superseded_by}` : 'invalidated';
      throw new ConflictError(
        `fact ${id} was already ${how} at ${new Date(old.valid_to).toISOString()}; act on the current version (see facts.chain)`,
        { id, validTo: new Date(old.valid_to).toISOString(), supersededBy: old.superseded_by },
      );
    }
    return old;
  }

  function getRow(s: ResolvedScope, id: string): Promise<FactRow | undefined> {
    return factRow(db, s, id);
  }

  return {
    async assert(input) {
      const i = parse(assertFactSchema, input, 'fact');
      const s = resolveScope(i.scope);
      return db.transaction(async (tx) => {
        await checkSources(tx, s.tenant, i.sourceEpisodeIds ?? [], 'sourceEpisodeIds');
        const fact = await insert(tx, s, i, i.validFrom ?? clock.now(), i.by ?? '');
        await hooks.afterAssert?.(tx, fact);
        return fact;
      });
    },

    async supersede(input) {
      const i = parse(supersedeFactSchema, input, 'input');
      const s = resolveScope(i.scope);
      return db.transaction(async (tx) => {
        const old = await lockCurrent(tx, s, i.id);
        const validFrom = i.fact.validFrom ?? clock.now();
        if (validFrom < new Date(old.valid_from))
          throw new InvalidInputError(
            `"fact.validFrom": must not be before the validFrom of the fact it replaces (${new Date(old.valid_from).toISOString()})`,
            'fact.validFrom',
          );
        await checkSources(tx, s.tenant, i.fact.sourceEpisodeIds ?? [], 'fact.sourceEpisodeIds');
        // The new version belongs where the old one did, and keeps its identity unless told otherwise.
        const owner = { tenant: s.tenant, user: old.user_id, agent: old.agent_id, session: old.session_id };
        const next = await insert(
          tx,
          owner,
          {
            ...i.fact,
            kind: i.fact.kind ?? old.kind,
            category: i.fact.category ?? old.category,
            subject: i.fact.subject ?? old.subject,
          },
          validFrom,
          i.by ?? '',
        );
        const closed = await closeSuperseded(tx, s.tenant, old.id, validFrom, next.id);
        await hooks.afterAssert?.(tx, next);
        return { old: closed, new: next };
      });
    },

    async invalidate(input) {
      const i = parse(invalidateFactSchema, input, 'input');
      const s = resolveScope(i.scope);
      return db.transaction(async (tx) => {
        const old = await lockCurrent(tx, s, i.id);
        const now = clock.now();
        const note = { reason: i.reason ?? '', by: i.by ?? '', at: now.toISOString() };
        return closeInvalidated(tx, s.tenant, old.id, now, note);
      });
    },

    async get(input) {
      const i = parse(factIdSchema, input, 'input');
      const row = await getRow(resolveScope(i.scope), i.id);
      return row ? toFact(row) : null;
    },

    async list(input = {}) {
      const i = parse(listFactsSchema, input, 'input');
      if (i.asOf && i.includeHistory)
        throw new InvalidInputError(
          '"includeHistory": cannot be combined with asOf (asOf already picks one version per fact)',
          'includeHistory',
        );
      let after: { ts: string; id: string } | undefined;
      if (i.cursor) {
        const c = decodeCursor(i.cursor);
        if (/^\d+$/.test(c.key))
          throw new InvalidInputError('"cursor": not a cursor of facts.list', 'cursor');
        after = { ts: c.ts, id: c.key };
      }
      const { limit, cursor: _cursor, scope, ...filters } = i;
      const rows = await listFactRows(db, resolveScope(scope), { ...filters, after, limit: limit + 1 });
      const more = rows.length > limit;
      const page = more ? rows.slice(0, limit) : rows;
      const last = page[page.length - 1];
      return {
        items: page.map((r) => r.fact),
        nextCursor: more && last ? encodeCursor(last.cursorTs, last.fact.id) : null,
      };
    },

    async chain(input) {
      const i = parse(factIdSchema, input, 'input');
      const s = resolveScope(i.scope);
      if (!(await getRow(s, i.id)))
        throw new NotFoundError(`"id": fact ${i.id} does not exist in this scope`, 'id');
      return factChain(db, s.tenant, i.id);
    },
  };
}
