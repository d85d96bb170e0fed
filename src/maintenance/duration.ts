/**
 * Durations as people type them on the command line (`13mo`, `90d`, `24h`): a light
 * module (no zod), so CLI command files may import it at the top.
 */

/**
 * A month as retention counts it: a twelfth of 365.25 days (30.4375 days).
 *
 * @example
 * const thirteenMonths = 13 * MONTH_MS;
 */
export const MONTH_MS = 2_629_800_000;

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  mo: MONTH_MS,
  y: 12 * MONTH_MS,
};

/**
 * Milliseconds of a duration: a whole number and a unit, `s`, `m` (minutes), `h`, `d`,
 * `w`, `mo` (30.4375 days) or `y` (365.25 days); null when it is not one.
 *
 * @example
 * parseDuration('13mo') // => 34187400000
 * parseDuration('24h') // => 86400000
 * parseDuration('soon') // => null
 */
export function parseDuration(text: string): number | null {
  const m = /^\s*(\d+)\s*(s|m|h|d|w|mo|y)\s*$/i.exec(text);
  if (!m) return null;
  const ms = Number(m[1]) * (UNIT_MS[(m[2] as string).toLowerCase()] ?? 0);
  return ms > 0 && Number.isSafeInteger(ms) ? ms : null;
}
