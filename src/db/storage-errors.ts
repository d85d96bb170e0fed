/**
 * A database that ran out of disk space, told apart from a statement's own fault, so
 * callers get `unavailable` with what to do (free space, then retry) instead of a
 * refused row or an internal error. PostgreSQL says SQLSTATE 53100 (disk_full) or
 * "could not extend file ... No space left on device" (a data file); PGlite, whose
 * files are the host's through the WASM file system, says the latter in its message.
 */
import { MnemoError } from '../errors.js';

/**
 * True when `e` is the database saying its disk is full.
 *
 * @example
 * try { await db.query('insert ...') } catch (e) { if (isOutOfSpace(e)) console.log('free some space') }
 */
export function isOutOfSpace(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  if (!err || typeof err !== 'object') return false;
  if (err.code === '53100' || err.code === 'ENOSPC') return true;
  return typeof err.message === 'string' && /no space left on device/i.test(err.message);
}

/**
 * The typed error for a write the database could not make for lack of disk space.
 * `what` says what is and is not in the store now.
 *
 * @example
 * throw outOfSpaceError('lines 1-1000 are imported, the rest is not', e, { committedLine: 1000 });
 */
export function outOfSpaceError(what: string, cause: unknown, details?: Record<string, unknown>): MnemoError {
  const why = (cause as Error)?.message ?? String(cause);
  return new MnemoError(
    'unavailable',
    `the database is out of disk space (${why}): ${what}; free space on its volume, then try again`,
    { cause, details },
  );
}
