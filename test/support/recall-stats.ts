/**
 * Recall's text statistics as recall reads them and as an exact recount of the tables,
 * by the definition of migration 0013 (every episode, current facts, every brain key and
 * decision): the two must be equal after any writes, purges or imports.
 */
import type { Db } from '../../src/db/db.js';

export type StatRow = {
  tenant_id: string;
  kind: string;
  user_id: string;
  lexeme: string;
  df: number;
  len: number;
};

/**
 * What recall reads: stored counts plus pending deltas, zeros left out; one tenant's, or
 * every tenant's when `tenant` is omitted.
 *
 * @example
 * assert.deepEqual(await storedStats(db, 'acme'), await exactStats(db, 'acme'));
 */
export async function storedStats(db: Db, tenant?: string): Promise<StatRow[]> {
  const { rows } = await db.query<StatRow>(
    `select tenant_id, kind, user_id, lexeme, sum(df)::int as df, sum(len)::int as len from (
       select tenant_id, kind, user_id, lexeme, df, len from recall_stats
       union all select tenant_id, kind, user_id, lexeme, df, len from recall_stats_delta) s
     where $1::text is null or tenant_id = $1
     group by 1, 2, 3, 4 having sum(df) <> 0 or sum(len) <> 0 order by 1, 2, 3, 4`,
    [tenant ?? null],
  );
  return rows;
}

/**
 * The same figures counted from the tables.
 *
 * @example
 * const exact = await exactStats(db); // every tenant
 */
export async function exactStats(db: Db, tenant?: string): Promise<StatRow[]> {
  const mine = '($1::text is null or tenant_id = $1)';
  const docs = `select tenant_id, 'episode' as kind, user_id, tsv from episodes where ${mine}
    union all select tenant_id, 'fact', user_id, tsv from facts where ${mine} and valid_to is null
    union all select tenant_id, 'brain', user_id, tsv from brain where ${mine}
    union all select tenant_id, 'decision', user_id, tsv from decisions where ${mine}`;
  const { rows } = await db.query<StatRow>(
    `select * from (
       select tenant_id, kind, user_id, '' as lexeme, count(*)::int as df, sum(length(tsv))::int as len
         from (${docs}) r group by 1, 2, 3
       union all
       select tenant_id, kind, user_id, u.lexeme, count(*)::int, 0 from (${docs}) r, unnest(r.tsv) u group by 1, 2, 3, 4
     ) x order by 1, 2, 3, 4`,
    [tenant ?? null],
  );
  return rows;
}
