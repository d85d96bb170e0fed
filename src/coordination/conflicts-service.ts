import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.js';
import { resolveScope } from '../scope.js';
import { parse } from '../validation.js';
import {
  contradicting,
  lockSubject,
  markResolved,
  selectConflict,
  selectConflicts,
  supersedeOthers,
  toConflict,
  upsertConflict,
} from './conflicts-queries.js';
import {
  type AssertedFact,
  type Conflict,
  type ConflictIdInput,
  conflictIdSchema,
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
  const key = { tenant: fact.tenant, user: fact.user, subject: fact.subject, category: fact.category };
  await lockSubject(tx, key);
  const others = await contradicting(tx, key, fact.id, fact.content);
  if (others.length === 0) return;
  await upsertConflict(tx, key, [...others, fact.id], now);
}

/**
 * The conflicts API, the same in process and remote.
 *
 * @example
 * const conflicts: Conflicts = mem.conflicts;
 */
export interface Conflicts {
  /** Conflicts of the tenant (and of `scope.user` when set), newest first (default 100). */
  list(input?: ListConflictsInput): Promise<Conflict[]>;
  /** One conflict by id, or null. */
  get(input: ConflictIdInput): Promise<Conflict | null>;
  /**
   * Resolves an open conflict. `keep: factId` supersedes every other current fact of
   * the conflict by that one (valid_to = now, superseded_by = kept); `keep: 'both'`
   * only closes the conflict. `by` defaults to `scope.agent`.
   */
  resolve(input: ResolveConflictInput): Promise<Conflict>;
}

/**
 * The conflicts service: the public API plus the detector bound to its clock.
 *
 * @example
 * const svc: ConflictsService = createConflicts({ db, clock }); createFacts({ db, clock, hooks: { afterAssert: svc.afterAssert } });
 */
export interface ConflictsService extends Conflicts {
  /** @internal The detector bound to this store's clock: pass it to facts as `hooks.afterAssert`. */
  afterAssert(tx: Db, fact: AssertedFact): Promise<void>;
}

/**
 * Conflicts between agents' facts: detected by `afterAssert` (wired into facts), listed
 * for a supervisor, resolved by keeping one fact (the others are superseded by it) or both.
 *
 * @example
 * const conflicts = createConflicts({ db, clock: systemClock });
 * for (const c of await conflicts.list({ status: 'open' }))
 *   await conflicts.resolve({ id: c.id, keep: c.facts[0].id, by: 'supervisor' });
 */
export function createConflicts({ db, clock }: { db: Db; clock: Clock }): ConflictsService {
  return {
    afterAssert: (tx, fact) => afterAssert(tx, fact, clock.now()),

    async list(input = {}) {
      const i = parse(listConflictsSchema, input);
      const s = resolveScope(i.scope);
      return selectConflicts(db, {
        tenant: s.tenant,
        user: s.user,
        status: i.status,
        subject: i.subject,
        limit: i.limit ?? 100,
      });
    },

    async get(input) {
      const i = parse(conflictIdSchema, input);
      const c = await selectConflict(db, { tenant: resolveScope(i.scope).tenant, id: i.id, lock: false });
      return c && toConflict(c);
    },

    async resolve(input) {
      const i = parse(resolveConflictSchema, input);
      const s = resolveScope(i.scope);
      const now = clock.now();
      return db.transaction(async (tx) => {
        const c = await selectConflict(tx, { tenant: s.tenant, id: i.id, lock: true });
        if (!c) throw new NotFoundError(`no conflict ${i.id} in this tenant`, 'id');
        if (c.status !== 'open')
          throw new ConflictError(
            `conflict ${i.id} was already resolved (${c.resolution}) by "${c.resolvedBy}"`,
            {
              id: i.id,
              resolution: c.resolution,
            },
          );
        if (i.keep !== 'both') {
          if (!c.factIds.includes(i.keep))
            throw new InvalidInputError(
              `"keep": ${i.keep} is not one of the facts of this conflict (${c.factIds.join(', ')}), nor "both"`,
              'keep',
            );
          await supersedeOthers(tx, { tenant: s.tenant, factIds: c.factIds, keep: i.keep, now });
        }
        await markResolved(tx, { tenant: s.tenant, id: i.id, resolution: i.keep, by: i.by ?? s.agent, now });
        const resolved = await selectConflict(tx, { tenant: s.tenant, id: i.id, lock: false });
        return toConflict(resolved as NonNullable<typeof resolved>);
      });
    },
  };
}
