// Candidate quality methods of issue 12 measured on the LoCoMo development split, on
// the sweep's cached candidates (bench/locomo-sweep.ts writes them with SWEEP_CACHE):
// each method re-ranks the same candidates and reports R@5/10/20 and R@10 per category.
// "Session as recall now" is recall's own fusion: the session's strength by words, plus
// its coverage when the cache holds each candidate's query terms (caches written after
// that change; an older cache has none and measures the strength alone).
// Usage: SWEEP_CACHE=/tmp/q-locomo-rows.json npx tsx bench/locomo-methods.ts ../shared/bench/locomo
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { loadLocomo } from '../src/bench/locomo-bench.js';
import { BUILTIN_CALIBRATION } from '../src/recall/embedders/builtin-embedder.js';
import { DEFAULT_WEIGHTS, fuse, mmr, type Scored } from '../src/recall/recall-fusion.js';
import type { CandidateRow } from '../src/recall/recall-queries.js';
import { queryWindows, type TimeWindow, timeWindows } from '../src/recall/recall-time.js';

const dir = process.argv[2] ?? '../shared/bench/locomo';
const cached = JSON.parse(readFileSync(process.env.SWEEP_CACHE ?? '/tmp/q-locomo-rows.json', 'utf8'));
const texts = loadLocomo(dir).flatMap((c) => c.questions.map((q) => q.question));
if (texts.length !== cached.length) throw new Error('cache and data differ');
const questions = cached.map((q: { rows: CandidateRow[]; idOf: [string, string][] }, i: number) => ({
  ...q,
  question: texts[i],
  idOf: new Map(q.idOf),
  rows: q.rows.map((r) => ({ ...r, occurred_at: new Date(r.occurred_at) })),
})) as {
  question: string;
  rows: CandidateRow[];
  evidence: string[];
  category: number;
  idOf: Map<string, string>;
}[];

const now = new Date();
const round = (x: number) => Math.round(x * 1e6) / 1e6;
type Method = (q: (typeof questions)[number]) => Scored[];
const sorted = (xs: Scored[]) =>
  xs
    .map((s) => ({ ...s, score: round(s.score) }))
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.row.id.localeCompare(b.row.id));
/** Recall's ranking before issue 12's quality round (no time signal; session by relevance): `old` below. */
const base: Method = (q) => old(q);
/** Recall's ranking as it is now (recall-service.ts): the time windows the query names. */
const withTime =
  (time: number): Method =>
  (q) =>
    sorted(
      fuse(q.rows, { ...DEFAULT_WEIGHTS, time }, now, {
        vector: BUILTIN_CALIBRATION,
        windows: queryWindows(q.question, now, q.rows),
      }),
    );

function evaluate(m: Method) {
  const ks = [5, 10, 20];
  const sums = [0, 0, 0];
  const perCat = new Map<number, { n: number; r10: number }>();
  for (const q of questions) {
    const dias = m(q)
      .slice(0, 20)
      .map((s) => q.idOf.get(s.row.id));
    const at = (k: number) =>
      q.evidence.filter((e) => dias.slice(0, k).includes(e)).length / q.evidence.length;
    ks.forEach((k, i) => {
      sums[i] += at(k);
    });
    const c = perCat.get(q.category) ?? { n: 0, r10: 0 };
    c.n++;
    c.r10 += at(10);
    perCat.set(q.category, c);
  }
  const cats = [...perCat.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, c]) => (c.r10 / c.n).toFixed(3))
    .join(' / ');
  return `${sums.map((s) => (s / questions.length).toFixed(3)).join(' ')}  R@10 by category ${cats}`;
}

const inWindow = (t: Date, ws: TimeWindow[], slackDays: number) =>
  ws.some((w) => t >= w.start && t.getTime() < w.end.getTime() + slackDays * 86_400_000);
function timeBoost(weight: number, slackDays: number, monthAlone = true): Method {
  return (q) => {
    const years = [...new Set(q.rows.map((r) => r.occurred_at.getUTCFullYear()))];
    let ws = timeWindows(q.question, now, years);
    if (!monthAlone)
      ws = timeWindows(
        q.question.replace(/\b(in|during|last|this|of|early|late|mid) (?=[A-Z])/g, ''),
        now,
        years,
      );
    const ranked = base(q);
    if (!ws.length) return ranked;
    return sorted(
      ranked.map((s) =>
        inWindow(s.row.occurred_at, ws, slackDays) ? { ...s, score: s.score * (1 + weight) } : s,
      ),
    );
  };
}
function perSessionCap(cap: number): Method {
  return (q) => {
    const ranked = base(q);
    const seen = new Map<string, number>();
    const first: Scored[] = [];
    const later: Scored[] = [];
    for (const s of ranked) {
      const n = seen.get(s.row.session) ?? 0;
      seen.set(s.row.session, n + 1);
      (n < cap ? first : later).push(s);
    }
    return [...first, ...later];
  };
}

const methods: [string, Method][] = [
  ['before (session by relevance, no time)', base],
  ['session as recall now, no time', withTime(0)],
];
for (const w of [0.2, 0.3, 0.5, 1])
  methods.push([
    `time ${w}, session by relevance`,
    sessionVariant(topMean(3, rel), DEFAULT_WEIGHTS.session, w),
  ]);
for (const w of [0.2, 0.3, 0.5, 1]) methods.push([`time ${w}, session as recall now`, withTime(w)]);
let timed = 0;
for (const q of questions) if (timeWindows(q.question, now, [2023]).length) timed++;
console.log(`questions ${questions.length} (${timed} with a time expression), load ${loadavg()[0]}`);
for (const w of [0.1, 0.2, 0.3, 0.5, 1])
  for (const slack of [0, 7]) methods.push([`time x(1+${w}) slack ${slack}d`, timeBoost(w, slack)]);
methods.push(['time x1.3 slack 7d, no month alone', timeBoost(0.3, 7, false)]);
for (const l of [0.95, 0.9, 0.8, 0.7]) methods.push([`mmr lambda ${l}`, (q) => mmr(base(q), 20, l)]);
for (const cap of [2, 3, 4, 5]) methods.push([`at most ${cap} per session first`, perSessionCap(cap)]);
for (const [name, m] of methods) console.log(name.padEnd(40), evaluate(m));

// Session-level variants: the session's strength computed another way (never with the
// coverage part), with the time signal on, everything else unchanged.
type Strength = (turns: Scored[]) => number;
function sessionVariant(
  strength: Strength,
  weight = DEFAULT_WEIGHTS.session,
  time = DEFAULT_WEIGHTS.time,
): Method {
  return (q) => {
    const parts = fuse(q.rows, { ...DEFAULT_WEIGHTS, session: 0, time }, now, {
      vector: BUILTIN_CALIBRATION,
      windows: queryWindows(q.question, now, q.rows),
    });
    const s1 = (s: Scored) => s.scores.text + DEFAULT_WEIGHTS.vector * s.scores.vector + s.scores.neighbor;
    const bySession = new Map<string, Scored[]>();
    for (const s of parts) bySession.set(s.row.session, [...(bySession.get(s.row.session) ?? []), s]);
    const strong = new Map([...bySession].map(([k, xs]) => [k, strength(xs)]));
    return sorted(
      parts.map((s) => {
        if (s.score === 0) return s;
        const factor = s.score / s1(s);
        return { ...s, score: (s1(s) + weight * (strong.get(s.row.session) ?? 0)) * factor };
      }),
    );
  };
}
function topMean(n: number, f: (s: Scored) => number) {
  return (xs: Scored[]) =>
    xs
      .map(f)
      .sort((a, b) => b - a)
      .slice(0, n)
      .reduce((a, b) => a + b, 0) / n;
}
function rel(s: Scored) {
  return s.scores.text + DEFAULT_WEIGHTS.vector * s.scores.vector + s.scores.neighbor;
}
/** The ranking before: session = mean relevance (words, meaning, neighbours) of its best three turns, no time. */
function old(q: (typeof questions)[number]) {
  return sessionVariant(topMean(3, rel), DEFAULT_WEIGHTS.session, 0)(q);
}
const sessionMethods: [string, Method][] = [
  ['recall now (time 0.5, session as recall now)', withTime(0.5)],
  ['check: the same through sessionVariant', sessionVariant(topMean(3, (s) => s.scores.text))],
  ['time 0.5, session by relevance (before)', sessionVariant(topMean(3, rel))],
  ['session = best turn', sessionVariant(topMean(1, rel))],
  ['session = mean of best 5', sessionVariant(topMean(5, rel))],
  ['session = mean of best 3, words only', sessionVariant(topMean(3, (s) => s.scores.text))],
  [
    'session = mean of best 3, meaning only (x0.25)',
    sessionVariant(topMean(3, (s) => 0.25 * s.scores.vector)),
  ],
  [
    'session = mean of best 3 without neighbours',
    sessionVariant(topMean(3, (s) => s.scores.text + 0.25 * s.scores.vector)),
  ],
  [
    'session = sum of relevance of its turns / 3',
    sessionVariant((xs) => xs.reduce((a, s) => a + rel(s), 0) / 3),
  ],
];
for (const [name, m] of sessionMethods) console.log(name.padEnd(48), evaluate(m));
for (const w of [0.2, 0.4, 0.5]) {
  console.log(`session weight ${w}, as now`.padEnd(48), evaluate(sessionVariant(topMean(3, rel), w)));
  console.log(
    `session weight ${w}, words only`.padEnd(48),
    evaluate(
      sessionVariant(
        topMean(3, (s) => s.scores.text),
        w,
      ),
    ),
  );
}
console.log('words only, best 2'.padEnd(48), evaluate(sessionVariant(topMean(2, (s) => s.scores.text))));
console.log('words only, best 5'.padEnd(48), evaluate(sessionVariant(topMean(5, (s) => s.scores.text))));

// Direction of the neighbour: a turn after the match (its answer) against one before it.
// Emulated by counting a turn before the match `extra` turns further away (x0.6 each).
function directed(extra: number, neighbor = DEFAULT_WEIGHTS.neighbor): Method {
  return (q) => {
    const at = new Map(q.rows.map((r) => [r.id, r.occurred_at.getTime()]));
    const rows = q.rows.map((r) => ({
      ...r,
      near:
        r.near?.map((e) => {
          const [src, dist] = e.split('/');
          const before = (at.get(src) ?? 0) > r.occurred_at.getTime();
          return before ? `${src}/${Number(dist) + extra}` : e;
        }) ?? null,
    }));
    return sorted(
      fuse(rows, { ...DEFAULT_WEIGHTS, neighbor }, now, {
        vector: BUILTIN_CALIBRATION,
        windows: queryWindows(q.question, now, q.rows),
      }),
    );
  };
}
for (const extra of [1, 2])
  for (const nw of [0.5, 0.6, 0.7])
    console.log(
      `turns before the match x0.6^${extra}, neighbour ${nw}`.padEnd(48),
      evaluate(directed(extra, nw)),
    );
console.log(
  'session = best 3, words + neighbours'.padEnd(48),
  evaluate(sessionVariant(topMean(3, (s) => s.scores.text + s.scores.neighbor))),
);
console.log(
  'session = best 3, words + 0.1 x meaning'.padEnd(48),
  evaluate(sessionVariant(topMean(3, (s) => s.scores.text + 0.1 * s.scores.vector))),
);
