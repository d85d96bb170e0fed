import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { ConflictError, InvalidInputError } from '../errors.js';
import { type ResolvedScope, resolveScope } from '../scope.js';
import { parse } from '../validation.js';
import {
  currentVersion,
  deleteEntry,
  getEntry,
  insertHistory,
  keyHistory,
  listEntries,
  lockKey,
  upsertEntry,
} from './brain-queries.js';
import {
  type Brain,
  type BrainEntry,
  brainDeleteSchema,
  brainGetSchema,
  brainHistorySchema,
  brainListSchema,
  brainSetSchema,
} from './brain-schema.js';

/** Thrown inside a set transaction when a concurrent insert raced ours; the set is retried. */
class RaceRetry extends Error {}

/** Who a change is attributed to: `by`, else the scope's agent, else its user. */
function author(by: string | undefined, s: ResolvedScope): string {
  return by ?? (s.agent || s.user);
}

function versionConflict(key: string, expected: number, current: number): ConflictError {
  return new ConflictError(
    `brain key "${key}" is at version ${current}, not the expected ${expected}: ` +
      'read it again and retry with its current version',
    { key, expectedVersion: expected, currentVersion: current },
  );
}

/**
 * Builds the key-value brain over a migrated store.
 *
 * @example
 * const brain = createBrain({ db, clock: systemClock });
 * await brain.set({ scope: { user: 'alice' }, key: 'identity.name', value: 'Alice', category: 'identity' });
 * const e = await brain.get({ scope: { user: 'alice' }, key: 'identity.name' }); // e?.value === 'Alice'
 */
export function createBrain({ db, clock }: { db: Db; clock: Clock }): Brain {
  return {
    async set(raw) {
      const input = parse(brainSetSchema, raw, 'brain.set input');
      const s = resolveScope(input.scope);
      const ref = { scope: s, key: input.key };
      const now = clock.now();
      let expiresAt: Date | null = null;
      if (input.ttlSeconds !== undefined) expiresAt = new Date(now.getTime() + input.ttlSeconds * 1000);
      else if (input.expiresAt) {
        if (input.expiresAt.getTime() <= now.getTime())
          throw new InvalidInputError(
            `"expiresAt": must be in the future (now is ${now.toISOString()}); use delete to remove a key`,
            'expiresAt',
          );
        expiresAt = input.expiresAt;
      }
      const by = author(input.by, s);
      const write = {
        ...ref,
        now,
        value: input.value,
        category: input.category ?? null,
        description: input.description ?? null,
        priority: input.priority ?? null,
        expiresAt,
        by,
        expectedVersion: input.expectedVersion ?? null,
      };
      for (let attempt = 0; ; attempt++) {
        try {
          return await db.transaction(async (tx): Promise<BrainEntry> => {
            const prev = await lockKey(tx, ref, now);
            const row = await upsertEntry(tx, write);
            // The version check lives in the update branch; a fresh insert is at version 0.
            if (row?.inserted && (input.expectedVersion ?? 0) !== 0)
              throw versionConflict(input.key, input.expectedVersion ?? 0, 0);
            if (!row) {
              const current = await currentVersion(tx, ref, now);
              throw versionConflict(input.key, input.expectedVersion ?? 0, current);
            }
            // No row to lock, yet the upsert updated one: another writer inserted the key in
            // between, so the old value is unknown here. Start again (it is locked next time).
            if (!prev && !row.inserted) throw new RaceRetry();
            await insertHistory(tx, {
              ...ref,
              op: 'set',
              oldValue: prev && !prev.expired ? prev.value : undefined,
              newValue: input.value,
              version: row.entry.version,
              by,
              at: now,
            });
            return row.entry;
          });
        } catch (e) {
          if (e instanceof RaceRetry && attempt < 5) continue;
          throw e;
        }
      }
    },

    async get(raw) {
      const input = parse(brainGetSchema, raw, 'brain.get input');
      return getEntry(db, { scope: resolveScope(input.scope), key: input.key }, clock.now());
    },

    async list(raw = {}) {
      const input = parse(brainListSchema, raw, 'brain.list input');
      return listEntries(db, {
        scope: resolveScope(input.scope),
        now: clock.now(),
        prefix: input.prefix,
        category: input.category,
        limit: input.limit ?? 1000,
        scopeMatch: input.scopeMatch ?? 'exact',
      });
    },

    async delete(raw) {
      const input = parse(brainDeleteSchema, raw, 'brain.delete input');
      const s = resolveScope(input.scope);
      const ref = { scope: s, key: input.key };
      const now = clock.now();
      const expected = input.expectedVersion ?? null;
      return db.transaction(async (tx) => {
        const row = await deleteEntry(tx, ref, now, expected);
        if (!row) {
          if (expected === null) return false;
          const current = await currentVersion(tx, ref, now);
          if (current !== expected) throw versionConflict(input.key, expected, current);
          return false;
        }
        await insertHistory(tx, {
          ...ref,
          op: 'delete',
          oldValue: row.value,
          newValue: undefined,
          version: Number(row.version) + 1,
          by: author(input.by, s),
          at: now,
        });
        return true;
      });
    },

    async history(raw) {
      const input = parse(brainHistorySchema, raw, 'brain.history input');
      return keyHistory(db, { scope: resolveScope(input.scope), key: input.key }, input.limit ?? 100);
    },
  };
}
