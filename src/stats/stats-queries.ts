/**
 * The statements of `stats`, one function each: the tenant's rows, growth, embedding
 * backlog and tasks, then the database's own figures from the catalog and the
 * statistics views. Table names here are fixed identifiers of this file; values are
 * parameters.
 */
import type { Db } from '../db/db.js';

/** Rows per kind of one tenant. */
export interface RowCounts {
  episode: number;
  fact: number;
  brain: number;
  decision: number;
  session: number;
  task: number;
  conflict: number;
  llmCache: number;
}

const ROW_TABLES: Record<keyof RowCounts, string> = {
  episode: 'episodes',
  fact: 'facts',
  brain: 'brain',
  decision: 'decisions',
  session: 'sessions',
  task: 'tasks',
  conflict: 'conflicts',
  llmCache: 'llm_cache',
};

/** The kinds {@link countRows} counts, in its order (`rows` of stats, `mnemo_rows` of metrics). */
export const ROW_KINDS = Object.keys(ROW_TABLES) as readonly (keyof RowCounts)[];

/**
 * Counts a tenant's rows in each table, in one statement (every table has an index
 * leading with `tenant_id`). All rows: archived episodes and superseded facts included.
 *
 * @example
 * await countRows(db, 'acme'); // => { episode: 120, fact: 14, ..., llmCache: 3 }
 */
export async function countRows(db: Db, tenant: string): Promise<RowCounts> {
  const parts = Object.entries(ROW_TABLES).map(
    ([k, t]) => `(select count(*) from ${t} where tenant_id = $1)::int as "${k}"`,
  );
  const { rows } = await db.query<RowCounts>(`select ${parts.join(', ')}`, [tenant]);
  return rows[0] as RowCounts;
}

/**
 * Rows per kind of every tenant that has any, tenants in name order. Reads every row's
 * tenant once (each table's tenant index): for the operator's command line, not a
 * request, which sees its own tenant only.
 *
 * @example
 * await countRowsByTenant(db); // => [{ tenant: 'acme', episode: 120, ..., llmCache: 3 }]
 */
export async function countRowsByTenant(db: Db): Promise<({ tenant: string } & RowCounts)[]> {
  const parts = Object.entries(ROW_TABLES).map(
    ([k, t]) => `select tenant_id, '${k}' as kind, count(*) as n from ${t} group by tenant_id`,
  );
  const { rows } = await db.query<{ tenant_id: string; kind: keyof RowCounts; n: string }>(
    `${parts.join(' union all ')} order by 1`,
  );
  const out = new Map<string, { tenant: string } & RowCounts>();
  for (const r of rows) {
    let t = out.get(r.tenant_id);
    if (!t) {
      t = {
        tenant: r.tenant_id,
        ...(Object.fromEntries(Object.keys(ROW_TABLES).map((k) => [k, 0])) as unknown as RowCounts),
      };
      out.set(r.tenant_id, t);
    }
    t[r.kind] = Number(r.n);
  }
  return [...out.values()];
}

/** Rows created on one UTC day, per recall kind. */
export interface GrowthDay {
  day: string;
  episode: number;
  fact: number;
  brain: number;
  decision: number;
}

/**
 * Rows created per UTC day since `since`, per kind, oldest day first (days without rows
 * left out).
 *
 * @example
 * await growthPerDay(db, 'acme', new Date(Date.now() - 30 * 86_400_000));
 * // => [{ day: '2026-12-07', episode: 40, fact: 3, brain: 1, decision: 0 }]
 */
export async function growthPerDay(db: Db, tenant: string, since: Date): Promise<GrowthDay[]> {
  // Episodes are dated by occurred_at, the column their (tenant_id, occurred_at) index
  // orders, so the 30 days are an index range; an imported or back-dated episode counts
  // on the day it happened. The other tables are read through their tenant index and
  // dated by created_at (they are far smaller than the log).
  const { rows } = await db.query<GrowthDay>(
    `with created(kind, at) as (
       select 'episode', occurred_at from episodes where tenant_id = $1 and occurred_at >= $2
       union all select 'fact', created_at from facts where tenant_id = $1 and created_at >= $2
       union all select 'brain', created_at from brain where tenant_id = $1 and created_at >= $2
       union all select 'decision', created_at from decisions where tenant_id = $1 and created_at >= $2
     )
     select to_char(at at time zone 'UTC', 'YYYY-MM-DD') as day,
       (count(*) filter (where kind = 'episode'))::int as episode,
       (count(*) filter (where kind = 'fact'))::int as fact,
       (count(*) filter (where kind = 'brain'))::int as brain,
       (count(*) filter (where kind = 'decision'))::int as decision
     from created group by 1 order by 1`,
    [tenant, since],
  );
  return rows;
}

/**
 * Rows of a tenant still without an embedding, per kind (the indexer's backlog).
 *
 * @example
 * await pendingEmbeddings(db, 'acme'); // => { episode: 12, fact: 0, brain: 1, decision: 0 }
 */
export async function pendingEmbeddings(
  db: Db,
  tenant: string,
): Promise<{ episode: number; fact: number; brain: number; decision: number }> {
  // `embedding is null` matches the partial indexes of migration 0010, which hold only
  // the pending rows: the count reads the backlog, not the table.
  const { rows } = await db.query<{ episode: number; fact: number; brain: number; decision: number }>(
    `select
       (select count(*) from episodes where embedding is null and tenant_id = $1)::int as episode,
       (select count(*) from facts where embedding is null and tenant_id = $1)::int as fact,
       (select count(*) from brain where embedding is null and tenant_id = $1)::int as brain,
       (select count(*) from decisions where embedding is null and tenant_id = $1)::int as decision`,
    [tenant],
  );
  return rows[0] as { episode: number; fact: number; brain: number; decision: number };
}

/**
 * A tenant's tasks per queue and status (the queue depth).
 *
 * @example
 * await taskCounts(db, 'acme'); // => [{ queue: 'crawl', status: 'open', count: 3 }]
 */
export async function taskCounts(
  db: Db,
  tenant: string,
): Promise<{ queue: string; status: string; count: number }[]> {
  const { rows } = await db.query<{ queue: string; status: string; count: number }>(
    `select queue, status, count(*)::int as count from tasks where tenant_id = $1
     group by queue, status order by queue, status`,
    [tenant],
  );
  return rows;
}

/**
 * The size of the whole database, in bytes.
 *
 * @example
 * await databaseSize(db); // => 9019515
 */
export async function databaseSize(db: Db): Promise<number> {
  const { rows } = await db.query<{ bytes: string }>('select pg_database_size(current_database()) as bytes');
  return Number(rows[0]?.bytes ?? 0);
}

/**
 * The tables of the store's schema with their sizes (indexes and TOAST included in the
 * total), largest first.
 *
 * @example
 * await tableSizes(db); // => [{ table: 'episodes', totalBytes: 122880, tableBytes: 8192, indexBytes: 114688 }]
 */
export async function tableSizes(
  db: Db,
): Promise<{ table: string; totalBytes: number; tableBytes: number; indexBytes: number }[]> {
  const { rows } = await db.query<{ table: string; total: string; heap: string; idx: string }>(
    `select c.relname as table, pg_total_relation_size(c.oid) as total,
       pg_relation_size(c.oid) as heap, pg_indexes_size(c.oid) as idx
     from pg_class c where c.relkind in ('r', 'p') and c.relnamespace = current_schema()::regnamespace
     order by pg_total_relation_size(c.oid) desc, c.relname`,
  );
  return rows.map((r) => ({
    table: r.table,
    totalBytes: Number(r.total),
    tableBytes: Number(r.heap),
    indexBytes: Number(r.idx),
  }));
}

/**
 * The `limit` largest indexes of the store's schema.
 *
 * @example
 * await indexSizes(db, 10); // => [{ index: 'episodes_tsv', table: 'episodes', bytes: 65536 }]
 */
export async function indexSizes(
  db: Db,
  limit: number,
): Promise<{ index: string; table: string; bytes: number }[]> {
  const { rows } = await db.query<{ index: string; table: string; bytes: string }>(
    `select i.relname as index, t.relname as table, pg_relation_size(i.oid) as bytes
     from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
     where i.relnamespace = current_schema()::regnamespace
     order by pg_relation_size(i.oid) desc, i.relname limit $1`,
    [limit],
  );
  return rows.map((r) => ({ index: r.index, table: r.table, bytes: Number(r.bytes) }));
}

/**
 * Blocks this database found in shared buffers and blocks it had to read, since the
 * statistics were last reset.
 *
 * @example
 * await blockCounts(db); // => { hit: 30846, read: 63 }
 */
export async function blockCounts(db: Db): Promise<{ hit: number; read: number }> {
  const { rows } = await db.query<{ hit: string | null; read: string | null }>(
    'select blks_hit as hit, blks_read as read from pg_stat_database where datname = current_database()',
  );
  return { hit: Number(rows[0]?.hit ?? 0), read: Number(rows[0]?.read ?? 0) };
}

/** What pg_stat_activity shows: connections, the maximum, the longest statement running. */
export interface Activity {
  /** Client connections to the server (every database). */
  used: number;
  max: number;
  /** The longest statement running now besides this one, in ms (0 when none). */
  longestMs: number;
  /** Sessions whose details this role may not see (their state and start are null). */
  hidden: number;
}

/**
 * Connections to the server, its maximum, and the longest statement running now.
 *
 * @example
 * await activity(db); // => { used: 5, max: 100, longestMs: 0, hidden: 0 }
 */
export async function activity(db: Db): Promise<Activity> {
  // Client backends only: autovacuum, the WAL writer and other background processes do
  // not take a slot a client could have. A role without pg_read_all_stats sees other
  // roles' sessions with backend_type null: those attached to a database are counted
  // (datid), and `hidden` says the longest statement may be among them.
  // clock_timestamp(), not now(): now() is the start of this transaction.
  const { rows } = await db.query<Activity>(
    `select
       (count(*) filter (where coalesce(backend_type = 'client backend', datid is not null)))::int as used,
       current_setting('max_connections')::int as max,
       coalesce(max(extract(epoch from clock_timestamp() - query_start) * 1000)
         filter (where state = 'active' and pid <> pg_backend_pid() and backend_type = 'client backend'), 0)::float8
         as "longestMs",
       (count(*) filter (where backend_type is null and datid is not null))::int as hidden
     from pg_stat_activity`,
  );
  return rows[0] as Activity;
}

/**
 * Whether the pg_stat_statements extension is installed in this database (whether the
 * server loaded it shows only when its view is read).
 *
 * @example
 * await statStatementsInstalled(db); // => false
 */
export async function statStatementsInstalled(db: Db): Promise<boolean> {
  const { rows } = await db.query<{ installed: boolean }>(
    "select exists (select 1 from pg_extension where extname = 'pg_stat_statements') as installed",
  );
  return rows[0]?.installed === true;
}

/**
 * The `limit` statements of this database with the longest mean time, from pg_stat_statements.
 *
 * @example
 * await slowStatements(db, 5); // => [{ query: 'select ...', calls: 3, meanMs: 812.4, maxMs: 1500, totalMs: 2437 }]
 */
export async function slowStatements(
  db: Db,
  limit: number,
): Promise<{ query: string; calls: number; meanMs: number; maxMs: number; totalMs: number }[]> {
  const { rows } = await db.query<{ query: string; calls: string; mean: number; max: number; total: number }>(
    `select left(query, 500) as query, calls, mean_exec_time as mean, max_exec_time as max, total_exec_time as total
     from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())
     order by mean_exec_time desc limit $1`,
    [limit],
  );
  return rows.map((r) => ({
    query: r.query,
    calls: Number(r.calls),
    meanMs: Number(r.mean),
    maxMs: Number(r.max),
    totalMs: Number(r.total),
  }));
}
