import type { Db, StoreLocation } from './db.js';
import { migrate } from './migrate.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';

/**
 * Opens the store at a location and brings its schema up to date.
 *
 * @example
 * const db = await openStore({ kind: 'pglite', dataDir: null });
 */
export async function openStore(loc: StoreLocation, opts: { poolSize?: number } = {}): Promise<Db> {
  const db =
    loc.kind === 'postgres'
      ? await openPostgres(loc.url, { max: opts.poolSize })
      : await openPglite(loc.dataDir);
  try {
    await migrate(db);
  } catch (e) {
    await db.close().catch(() => {});
    throw e;
  }
  return db;
}
