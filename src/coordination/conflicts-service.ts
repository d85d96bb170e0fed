import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { Params } from '../db/sql.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.js';
import { resolveScope } from '../scope.js';
import { parse } from '../validation.js';
import {
  CONFLICT_SELECT,
  CONTRADICTING,
  type ConflictRow,
  LOCK_SUBJECT,
  SUPERSEDE_OTHERS,
  toConflict,
  UPSERT_CONFLICT,
} from './conflicts-queries.js';
import {
  type AssertedFact,
  type Conflict,
  type ListConflictsInput,
  listConflictsSchema,
  type ResolveConflictInput,
  resolveConflictSchema,
} from './conflicts-schema.js';

/**
 * The conflict detector, run inside the transaction that asserted `fact`: when another
 * current fact of the same tenant and user has the same (non-empty) subject and
 * category but different content (compared lower-cased, trimmed, spaces collapsed), it
 * records a conflict, or adds the fact to the one already open. Both facts stay.
 *
 * @example
 * const facts = createFacts({ db, clock, hooks: { afterAssert: (tx, fact) => afterAssert(tx, fact, clock.now()) } });
 */
export async function afterAssert(tx: Db, fact: AssertedFact, now: Date = new Date()): Promise<void> {
  if (!fact.subject.trim()) return;
  const key = [fact.tenant, fact.user, fact.subject, fact.category];
  await tx.query(LOCK_SUBJECT, key);
  const { rows } = await tx.query<{ id: string }>(CONTRADICTING, [...key, fact.id, fact.content]);
  if (rows.length === 0) return;
  await tx.query(UPSERT_CONFLICT, [...key, [...rows.map((r) => r.id), fact.id], now]);
}

/**
 * The conflicts API; see {@link createConflicts}.
 *
 * @example
 * const conflicts: Conflicts = mem.conflicts;
 */
export type Conflicts = ReturnType<typeof createConflicts>;

/**
 * Conflicts between agents' facts: detected by `afterAssert` (wired into facts), listed
 * for a supervisor, resolved by keeping one fact (the others are superseded by it) or both.
 *
 * @example
 * const conflicts = createConflicts({ db, clock: systemClock });
 * for (const c of await conflicts.list({ status: 'open' }))
 *   await conflicts.resolve({ id: c.id, keep: c.facts[0].id, by: 'supervisor' });
 */
export function createConflicts({ db, clock }: { db: Db; clock: Clock }) {
  async function one(tx: Db, tenant: string, id: string, lock: boolean): Promise<ConflictRow> {
    const { rows } = await tx.query<ConflictRow>(
      `${CONFLICT_SELECT} where c.tenant_id = $1 and c.id = $2${lock ? ' for update of c' : ''}`,
      [tenant, id],
    );
    if (!rows[0]) throw new NotFoundError(`no conflict ${id} in this tenant`, 'id');
    return rows[0];
  }

  return {
    /** The detector bound to this store's clock: pass it to facts as `hooks.afterAssert`. */
    afterAssert: (tx: Db, fact: AssertedFact) => afterAssert(tx, fact, clock.now()),

    /** Conflicts of the tenant (and of `scope.user` when set), newest first (default 100). */
    async list(input: ListConflictsInput = {}): Promise<Conflict[]> {
      const i = parse(listConflictsSchema, input);
      const s = resolveScope(i.scope);
      const p = new Params();
      const where = [`c.tenant_id = ${p.add(s.tenant)}`];
      if (s.user) where.push(`c.user_id = ${p.add(s.user)}`);
      if (i.status) where.push(`c.status = ${p.add(i.status)}`);
      if (i.subject) where.push(`c.subject = ${p.add(i.subject)}`);
      const { rows } = await db.query<ConflictRow>(
        `${CONFLICT_SELECT} where ${where.join(' and ')} order by c.created_at desc, c.id limit ${p.add(i.limit ?? 100)}::int`,
        p.values,
      );
      return rows.map(toConflict);
    },

    /** One conflict by id. */
    async get(input: { scope?: ListConflictsInput['scope']; id: string }): Promise<Conflict> {
      const i = parse(resolveConflictSchema.pick({ scope: true, id: true }), input);
      return toConflict(await one(db, resolveScope(i.scope).tenant, i.id, false));
    },

    /**
     * Resolves an open conflict. `keep: factId` supersedes every other current fact of
     * the conflict by that one (valid_to = now, superseded_by = kept); `keep: 'both'`
     * only closes the conflict. `by` defaults to `scope.agent`.
     */
    async resolve(input: ResolveConflictInput): Promise<Conflict> {
      const i = parse(resolveConflictSchema, input);
      const s = resolveScope(i.scope);
      const now = clock.now();
      return db.transaction(async (tx) => {
        const c = await one(tx, s.tenant, i.id, true);
        if (c.status !== 'open')
          throw new ConflictError(
            `conflict ${i.id} was already resolved (${c.resolution}) by "${c.resolved_by}"`,
            {
              id: i.id,
              resolution: c.resolution,
            },
          );
        if (i.keep !== 'both') {
          if (!c.fact_ids.includes(i.keep))
            throw new InvalidInputError(
              `"keep": ${i.keep} is not one of the facts of this conflict (${c.fact_ids.join(', ')}), nor "both"`,
              'keep',
            );
          await tx.query(SUPERSEDE_OTHERS, [s.tenant, c.fact_ids, i.keep, now]);
        }
        await tx.query(
          `update conflicts set status = 'resolved', resolution = $3, resolved_by = $4, resolved_at = $5::timestamptz
           where tenant_id = $1 and id = $2`,
          [s.tenant, i.id, i.keep, i.by ?? s.agent, now],
        );
        return toConflict(await one(tx, s.tenant, i.id, false));
      });
    },
  };
}
