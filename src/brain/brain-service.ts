import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { ownerFilters, Params } from '../db/sql.js';
import { ConflictError, InvalidInputError } from '../errors.js';
import { type ResolvedScope, resolveScope } from '../scope.js';
import { parse } from '../validation.js';
import {
  CURRENT_VERSION,
  DELETE,
  GET,
  HISTORY,
  INSERT_HISTORY,
  LIST,
  LOCK_KEY,
  toEntry,
  toHistory,
  UPSERT,
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

function keyParams(s: ResolvedScope, key: string): unknown[] {
  return [s.tenant, s.user, s.agent, key];
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
  async function currentVersion(tx: Db, s: ResolvedScope, key: string, now: Date): Promise<number> {
    const { rows } = await tx.query<{ version: number }>(CURRENT_VERSION, [...keyParams(s, key), now]);
    return Number(rows[0].version);
  }

  return {
    async set(raw) {
      const input = parse(brainSetSchema, raw, 'brain.set input');
      const s = resolveScope(input.scope);
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
      const params = [
        ...keyParams(s, input.key),
        now,
        JSON.stringify(input.value),
        input.category ?? null,
        input.description ?? null,
        input.priority ?? null,
        expiresAt,
        by,
        input.expectedVersion ?? null,
      ];
      for (let attempt = 0; ; attempt++) {
        try {
          return await db.transaction(async (tx): Promise<BrainEntry> => {
            const prev = (await tx.query(LOCK_KEY, [...keyParams(s, input.key), now])).rows[0];
            const { rows } = await tx.query(UPSERT, params);
            const row = rows[0];
            // The version check lives in the update branch; a fresh insert is at version 0.
            if (row?.inserted && (input.expectedVersion ?? 0) !== 0)
              throw versionConflict(input.key, input.expectedVersion ?? 0, 0);
            if (!row) {
              const current = await currentVersion(tx, s, input.key, now);
              throw versionConflict(input.key, input.expectedVersion ?? 0, current);
            }
            // No row to lock, yet the upsert updated one: another writer inserted the key in
            // between, so the old value is unknown here. Start again (it is locked next time).
            if (!prev && !row.inserted) throw new RaceRetry();
            const oldValue = prev && !prev.expired ? JSON.stringify(prev.value) : null;
            await tx.query(INSERT_HISTORY, [
              ...keyParams(s, input.key),
              'set',
              oldValue,
              JSON.stringify(input.value),
              row.version,
              by,
              now,
            ]);
            return toEntry(row);
          });
        } catch (e) {
          if (e instanceof RaceRetry && attempt < 5) continue;
          throw e;
        }
      }
    },

    async get(raw) {
      const input = parse(brainGetSchema, raw, 'brain.get input');
      const s = resolveScope(input.scope);
      const { rows } = await db.query(GET, [...keyParams(s, input.key), clock.now()]);
      return rows[0] ? toEntry(rows[0]) : null;
    },

    async list(raw = {}) {
      const input = parse(brainListSchema, raw, 'brain.list input');
      const s = resolveScope(input.scope);
      const p = new Params();
      const where = [
        `tenant_id = ${p.add(s.tenant)}`,
        ...ownerFilters(p, s, ['user', 'agent'], input.scopeMatch ?? 'exact'),
        `(expires_at is null or expires_at > ${p.add(clock.now())})`,
      ];
      let sql = `${LIST} where ${where.join(' and ')}`;
      if (input.prefix !== undefined) {
        // Exact key or a whole segment below it: "session" matches "session.x", never "sessions".
        const ph = p.add(input.prefix);
        sql += ` and (key = ${ph} or starts_with(key, ${ph} || '.'))`;
      }
      if (input.category !== undefined) sql += ` and category = ${p.add(input.category)}`;
      sql += ` order by key limit ${p.add(input.limit ?? 1000)}`;
      const { rows } = await db.query(sql, p.values);
      return rows.map(toEntry);
    },

    async delete(raw) {
      const input = parse(brainDeleteSchema, raw, 'brain.delete input');
      const s = resolveScope(input.scope);
      const now = clock.now();
      const expected = input.expectedVersion ?? null;
      return db.transaction(async (tx) => {
        const { rows } = await tx.query<{ value: unknown; version: number }>(DELETE, [
          ...keyParams(s, input.key),
          now,
          expected,
        ]);
        const row = rows[0];
        if (!row) {
          if (expected === null) return false;
          const current = await currentVersion(tx, s, input.key, now);
          if (current !== expected) throw versionConflict(input.key, expected, current);
          return false;
        }
        await tx.query(INSERT_HISTORY, [
          ...keyParams(s, input.key),
          'delete',
          JSON.stringify(row.value),
          null,
          Number(row.version) + 1,
          author(input.by, s),
          now,
        ]);
        return true;
      });
    },

    async history(raw) {
      const input = parse(brainHistorySchema, raw, 'brain.history input');
      const s = resolveScope(input.scope);
      const { rows } = await db.query(HISTORY, [...keyParams(s, input.key), input.limit ?? 100]);
      return rows.map(toHistory);
    },
  };
}
