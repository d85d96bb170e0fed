import { InvalidInputError } from '../errors.js';

/**
 * Why the timestamp travels as text: PostgreSQL keeps microseconds and a JS Date only
 * milliseconds, so a cursor built from a Date could skip or repeat rows. Queries select
 * the sort timestamp with this expression and compare against it cast back to timestamptz.
 *
 * @example
 * `select ${cursorTimestampSql('occurred_at')} as cursor_ts from episodes`
 */
export const cursorTimestampSql = (column: string): string =>
  `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const KEY = /^(\d{1,19}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/**
 * Builds the opaque cursor of a keyset page: base64url of the sort timestamp (text with
 * microseconds) and the tie-breaker (an episode's seq, a fact's id).
 *
 * @example
 * encodeCursor('2026-05-08T13:56:00.000000Z', 42) // => 'WyIyMDI2LTA1...'
 */
export function encodeCursor(ts: string, key: string | number): string {
  return Buffer.from(JSON.stringify([ts, String(key)])).toString('base64url');
}

/**
 * Reads a cursor made by {@link encodeCursor}; anything else is `invalid_input` on `cursor`.
 *
 * @example
 * const { ts, key } = decodeCursor(page.nextCursor);
 */
export function decodeCursor(cursor: string): { ts: string; key: string } {
  const bad = () =>
    new InvalidInputError(
      '"cursor": not a cursor returned by this list; pass nextCursor from the previous page unchanged',
      'cursor',
    );
  let v: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad();
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(v) || v.length !== 2) throw bad();
  const [ts, key] = v;
  if (typeof ts !== 'string' || typeof key !== 'string' || !TS.test(ts) || !KEY.test(key)) throw bad();
  // Round trip through Date rejects impossible dates (Feb 30) before PostgreSQL sees them.
  const d = new Date(ts);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 23) !== ts.slice(0, 23)) throw bad();
  return { ts, key };
}
