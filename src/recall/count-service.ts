/**
 * `count`: the memories of a scope per kind, with the same visibility rule as recall
 * (one clause per kind from the registry of recall kinds, src/recall/recall-where.ts), so
 * a count and a recall over the same scope agree on what exists.
 */
import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { Params } from '../db/sql.js';
import { type ResolvedScope, resolveScope } from '../scope.js';
import { parse } from '../validation.js';
import { type CountInput, countSchema, type MemoryCounts } from './count-schema.js';
import { RECALL_KINDS } from './recall-kinds.js';
import { visibleRows } from './recall-where.js';

/**
 * Counts the visible rows of each asked kind in one statement: one scalar subquery per
 * kind, each over that kind's table (a fixed identifier from the registry, never input)
 * with recall's condition; every value is a parameter.
 *
 * @example
 * await countVisible(db, { tenant: 'acme', user: 'alice', agent: '', session: '' }, ['fact'], undefined, new Date());
 */
export async function countVisible(
  db: Db,
  scope: ResolvedScope,
  kinds: readonly (typeof RECALL_KINDS)[number][],
  agent: string | undefined,
  now: Date,
): Promise<Record<(typeof RECALL_KINDS)[number], number>> {
  const p = new Params();
  p.add(scope.tenant);
  const parts = kinds.map((k) => {
    const { table, where } = visibleRows(k, p, scope, { agent }, now);
    return `(select count(*) from ${table} t where ${where})::int as "${k}"`;
  });
  const { rows } = await db.query<Record<string, number>>(`select ${parts.join(', ')}`, p.values);
  const row = rows[0] ?? {};
  return Object.fromEntries(RECALL_KINDS.map((k) => [k, Number(row[k] ?? 0)])) as Record<
    (typeof RECALL_KINDS)[number],
    number
  >;
}

/**
 * Builds `count` over a store.
 *
 * @example
 * const count = createCount({ db, clock }); await count({ scope: { user: 'alice' } }); // { counts: { episode: 4, ... }, total: 9 }
 */
export function createCount(deps: { db: Db; clock: Clock }): (input?: CountInput) => Promise<MemoryCounts> {
  return async (input = {}) => {
    const i = parse(countSchema, input, 'count input');
    const counts = await countVisible(
      deps.db,
      resolveScope(i.scope),
      i.kinds ?? RECALL_KINDS,
      i.agent,
      deps.clock.now(),
    );
    return { counts, total: Object.values(counts).reduce((a, b) => a + b, 0) };
  };
}
