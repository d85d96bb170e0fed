/**
 * Time expressions in a recall query ("in May 2023", "on 7 July, 2023", "two weeks
 * before August 11, 2023", "last year") resolved to windows of time, which fusion uses
 * as a soft signal: a memory from inside a window ranks higher, nothing is filtered out.
 *
 * Only English, and only expressions that name their time without guessing: a day, a
 * month, a year, a month of no year (any year's), a span before or after one of those,
 * and "yesterday / last week / last month / last year / N days|weeks|months ago"
 * counted back from the clock. Anything else gives no window (the query ranks as before).
 */

/** A span of time a query refers to: `[start, end)`. */
export interface TimeWindow {
  start: Date;
  end: Date;
}

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const MONTH = `(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`;
const YEAR = `((?:19|20)\\d\\d)`;
const DAY = `(\\d{1,2})(?:st|nd|rd|th)?`;
const NUMBERS: Record<string, number> = {
  the: 1,
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
};
const UNIT_DAYS: Record<string, number> = { day: 1, week: 7, month: 30, year: 365 };
const DAY_MS = 86_400_000;

const monthIndex = (m: string) => MONTHS.findIndex((x) => x.startsWith(m.toLowerCase().slice(0, 3)));
const utc = (y: number, m: number, d = 1) => new Date(Date.UTC(y, m, d));
const addDays = (t: Date, days: number) => new Date(t.getTime() + days * DAY_MS);

/** Absolute dates, most specific first; each match is blanked so a day is not also read as its month. */
const ABSOLUTE: { re: RegExp; window: (m: RegExpExecArray) => TimeWindow | null }[] = [
  {
    // 7 July, 2023 / 7th of July 2023
    re: new RegExp(`\\b${DAY}(?: of)? ${MONTH},? ${YEAR}\\b`, 'gi'),
    window: (m) => day(Number(m[3]), monthIndex(m[2]), Number(m[1])),
  },
  {
    // July 7, 2023 / July 7th 2023
    re: new RegExp(`\\b${MONTH} ${DAY},? ${YEAR}\\b`, 'gi'),
    window: (m) => day(Number(m[3]), monthIndex(m[1]), Number(m[2])),
  },
  {
    // 2023-07-07
    re: new RegExp(`\\b${YEAR}-(\\d{2})-(\\d{2})\\b`, 'g'),
    window: (m) => day(Number(m[1]), Number(m[2]) - 1, Number(m[3])),
  },
  {
    // July 2023 / July of 2023
    re: new RegExp(`\\b${MONTH},?(?: of)? ${YEAR}\\b`, 'gi'),
    window: (m) => ({
      start: utc(Number(m[2]), monthIndex(m[1])),
      end: utc(Number(m[2]), monthIndex(m[1]) + 1),
    }),
  },
  {
    // in 2022 (a bare number is too often not a year: only after in/during/since/of)
    re: new RegExp(`\\b(?:in|during|of|throughout) ${YEAR}\\b`, 'gi'),
    window: (m) => ({ start: utc(Number(m[1]), 0), end: utc(Number(m[1]) + 1, 0) }),
  },
];

function day(y: number, m: number, d: number): TimeWindow | null {
  if (m < 0 || d < 1 || d > 31) return null;
  const start = utc(y, m, d);
  return { start, end: addDays(start, 1) };
}

/**
 * The windows of time a query names, resolved against `now` for relative ones. A span
 * "N weeks before <date>" covers the N weeks up to that date; "last <month>" and a month
 * with no year ("in June") give that month of every year from `years` (the years the
 * scope's memories span, when known; else the last twelve months before `now`).
 *
 * @example
 * timeWindows('What did Maria do in May 2023?', new Date('2026-01-01'));
 * // => [{ start: 2023-05-01, end: 2023-06-01 }]
 */
export function timeWindows(query: string, now: Date, years?: number[]): TimeWindow[] {
  let q = query;
  const out: TimeWindow[] = [];
  for (const { re, window } of ABSOLUTE)
    q = q.replace(re, (...args) => {
      const m = args.slice(0, -2) as unknown as RegExpExecArray;
      const w = window(m);
      if (!w) return args[0];
      const before = q.slice(0, args[args.length - 2] as number);
      out.push(shifted(w, before));
      return ' '.repeat(String(args[0]).length);
    });
  // A month alone ("in June", "last May"): that month in each candidate year.
  for (const m of q.matchAll(new RegExp(`\\b(?:in|during|last|of|early|late|mid) ${MONTH}\\b`, 'gi'))) {
    // "in may" without a capital is more likely the verb than the month.
    if (m[1] === 'may') continue;
    const mi = monthIndex(m[1]);
    const ys = years?.length
      ? years
      : [now.getUTCMonth() > mi ? now.getUTCFullYear() : now.getUTCFullYear() - 1];
    for (const y of ys) out.push({ start: utc(y, mi), end: utc(y, mi + 1) });
  }
  const rel = relative(q.toLowerCase(), now);
  if (rel) out.push(rel);
  return out;
}

/** "two weeks before <date>": the window moves to the span before (or after) the date. */
function shifted(w: TimeWindow, before: string): TimeWindow {
  const m =
    /\b(\d+|the|an?|one|two|three|four|five|six|seven|eight|nine|ten) (day|week|month|year)s? (before|after)\s*$/i.exec(
      before.trimEnd(),
    );
  if (!m) return w;
  const days = (NUMBERS[m[1].toLowerCase()] ?? Number(m[1])) * UNIT_DAYS[m[2].toLowerCase()];
  return m[3].toLowerCase() === 'before'
    ? { start: addDays(w.start, -days), end: w.end }
    : { start: w.start, end: addDays(w.end, days) };
}

/** Spans counted back from now: yesterday, last week/month/year, N units ago. */
function relative(q: string, now: Date): TimeWindow | null {
  if (/\byesterday\b/.test(q)) return { start: addDays(now, -2), end: now };
  const last = /\blast (week|month|year)\b/.exec(q);
  if (last?.[1] === 'week') return { start: addDays(now, -14), end: now };
  const y = now.getUTCFullYear();
  if (last?.[1] === 'month') return { start: utc(y, now.getUTCMonth() - 1), end: utc(y, now.getUTCMonth()) };
  if (last?.[1] === 'year') return { start: utc(y - 1, 0), end: utc(y, 0) };
  const ago =
    /\b(\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten) (day|week|month|year)s? ago\b/.exec(q);
  if (ago) {
    const days = (NUMBERS[ago[1]] ?? Number(ago[1])) * UNIT_DAYS[ago[2]];
    return { start: addDays(now, -days * 1.5), end: addDays(now, -days * 0.5) };
  }
  return null;
}

/**
 * Whether a memory's time falls in one of the windows.
 *
 * @example
 * inWindows(new Date('2023-05-08'), timeWindows('in May 2023', new Date())); // => true
 */
export function inWindows(at: Date | string, windows: TimeWindow[]): boolean {
  const t = new Date(at).getTime();
  return windows.some((w) => t >= w.start.getTime() && t < w.end.getTime());
}

/**
 * The windows a query names, with a month of no year read in the years the candidates
 * span (so "in June" means the Junes the memories were written in).
 *
 * @example
 * queryWindows('what did we ship in June?', new Date(), rows);
 */
export function queryWindows(query: string, now: Date, rows: { occurred_at: Date | string }[]): TimeWindow[] {
  const years = new Set(rows.map((r) => new Date(r.occurred_at).getUTCFullYear()));
  return timeWindows(query, now, [...years].sort());
}
