import type { Db } from './db.js';

/** Rows written between two ANALYZE runs. */
const ANALYZE_EVERY = 2000;
/** On a server without autovacuum, at most one ANALYZE a minute from each process. */
const SERVER_MIN_INTERVAL_MS = 60_000;

/**
 * Keeps the planner's statistics current where nothing else does. PGlite has no
 * autovacuum, and a PostgreSQL server may have it turned off (`autovacuum = off`, as
 * on some CI and bulk-load setups): without statistics the planner estimates one row
 * for every scope, picks nested loops over thousands of rows, and recall's plans
 * degrade as the store grows (measured: a 5,000-row scope's recall statement went from
 * 400 ms to 90 ms after one ANALYZE). So ANALYZE runs in the background after every
 * ANALYZE_EVERY rows written: always on PGlite, and on a server only when its
 * autovacuum is off (checked once), at most once a minute there. A server with
 * autovacuum on is left to it.
 *
 * @example
 * const analyze = analyzer(db);
 * analyze(rows.length); // after each write
 */
export function analyzer(db: Db): (written: number) => void {
  const server = db.dialect === 'postgres';
  let needed: Promise<boolean> | null = server ? null : Promise.resolve(true);
  let since = 0;
  let running = false;
  let last = 0;
  return (written) => {
    since += written;
    if (since < ANALYZE_EVERY || running) return;
    if (server && Date.now() - last < SERVER_MIN_INTERVAL_MS) return;
    since = 0;
    running = true;
    last = Date.now();
    needed ??= db
      .query<{ on: string }>("select current_setting('autovacuum') as on")
      .then(({ rows }) => rows[0]?.on !== 'on')
      .catch(() => false);
    setTimeout(() => {
      needed!
        .then((yes) => (yes ? db.exec('analyze') : undefined))
        .catch(() => {})
        .finally(() => {
          running = false;
        });
    }, 0).unref();
  };
}
