import type { Db, StoreLocation } from './db.js';
import { migrate } from './migrate.js';
import { openPglite, type PgliteOptions } from './pglite.js';
import { openPostgres } from './postgres.js';

/**
 * Opens the store at a location and brings its schema up to date. `onePass` is for jobs
 * that read or write each row once (export, import, backup, restore): on PGlite it trades
 * the buffer cache for resident memory (see {@link PgliteOptions}); a server ignores it.
 *
 * @example
 * const db = await openStore({ kind: 'pglite', dataDir: null });
 */
export async function openStore(
  loc: StoreLocation,
  opts: { poolSize?: number } & PgliteOptions = {},
): Promise<Db> {
  const db =
    loc.kind === 'postgres'
      ? await openPostgres(loc.url, { max: opts.poolSize })
      : await openPglite(loc.dataDir, { onePass: opts.onePass });
  try {
    await migrate(db);
  } catch (e) {
    await db.close().catch(() => {});
    throw e;
  }
  return db;
}
