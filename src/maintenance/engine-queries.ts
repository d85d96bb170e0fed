/**
 * SQL of the engine's upkeep: ANALYZE, VACUUM and the rebuild of the vector indexes.
 * None runs in a transaction (VACUUM and REINDEX CONCURRENTLY refuse one): each is sent
 * alone on the store's connection.
 */
import type { Db } from '../db/db.js';

/**
 * Refreshes the planner's statistics of every table of the database.
 *
 * @example
 * await analyzeAll(db);
 */
export async function analyzeAll(db: Db): Promise<void> {
  await db.exec('analyze');
}

/**
 * Reclaims dead rows of every table the role owns (plain VACUUM: no exclusive lock;
 * space is reused, not given back to the operating system).
 *
 * @example
 * await vacuumAll(db);
 */
export async function vacuumAll(db: Db): Promise<void> {
  await db.exec('vacuum');
}

/**
 * The statements that rebuild each vector index (pgvector's `hnsw` and `ivfflat` access
 * methods) of the schemas on the search path, one per index, with the index's name.
 *
 * Why the statement is built by `format('%I.%I')` in the database: REINDEX takes no
 * parameters and cannot run inside a function or DO block (CONCURRENTLY refuses a
 * transaction), so the name must be in the text; it comes from the catalog and is quoted
 * by the server itself, never taken from input.
 *
 * @example
 * const list = await vectorIndexReindexes(db); // => [{ name: 'episodes_embedding_hnsw', sql: 'reindex index concurrently public.episodes_embedding_hnsw' }]
 */
export async function vectorIndexReindexes(db: Db): Promise<{ name: string; sql: string }[]> {
  const { rows } = await db.query<{ name: string; sql: string }>(
    `select c.relname as name, format('reindex index concurrently %I.%I', n.nspname, c.relname) as sql
       from pg_index i
       join pg_class c on c.oid = i.indexrelid
       join pg_namespace n on n.oid = c.relnamespace
       join pg_am am on am.oid = c.relam
      where am.amname in ('hnsw', 'ivfflat') and i.indisvalid and n.nspname = any(current_schemas(false))
      order by c.relname`,
  );
  return rows;
}

/**
 * Runs one statement of {@link vectorIndexReindexes}.
 *
 * @example
 * for (const r of await vectorIndexReindexes(db)) await reindex(db, r.sql);
 */
export async function reindex(db: Db, statement: { sql: string }): Promise<void> {
  await db.exec(statement.sql);
}
