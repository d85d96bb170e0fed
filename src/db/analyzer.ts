import type { Db } from './db.js';

/** Rows written between two ANALYZE runs on the embedded store. */
const ANALYZE_EVERY = 2000;

/**
 * PGlite has no autovacuum, so nothing would ever gather the planner's statistics
 * and recall's plans would degrade as the store grows: the embedded store runs
 * ANALYZE in the background after every ANALYZE_EVERY rows written.
 * A PostgreSQL server's autovacuum does this itself.
 *
 * @example
 * const analyze = analyzer(db);
 * analyze(rows.length); // after each write
 */
export function analyzer(db: Db): (written: number) => void {
  if (db.dialect !== 'pglite') return () => {};
  let since = 0;
  let running = false;
  return (written) => {
    since += written;
    if (since < ANALYZE_EVERY || running) return;
    since = 0;
    running = true;
    setTimeout(() => {
      db.exec('analyze')
        .catch(() => {})
        .finally(() => {
          running = false;
        });
    }, 0).unref();
  };
}
