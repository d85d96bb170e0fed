import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidInputError } from '../errors.js';
import type { LocalMemory } from '../memory.js';
import type { RecallInput } from '../recall/recall-schema.js';

/** One LoCoMo question of category 1-4 with the ids of its evidence turns. */
interface Question {
  question: string;
  category: number;
  evidence: string[];
}

interface Conversation {
  name: string;
  turns: { content: string; session: string; occurredAt: Date; dia: string }[];
  questions: Question[];
}

/** Parses "1:56 pm on 8 May, 2023". */
function parseLocomoDate(s: string): Date {
  const m = /^(\d{1,2}):(\d{2})\s*(am|pm) on (\d{1,2}) (\w+),? (\d{4})$/i.exec(s.trim());
  if (!m) throw new InvalidInputError(`unrecognised LoCoMo date "${s}"`, 'data');
  const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
  const month = months.indexOf(m[5].slice(0, 3).toLowerCase());
  let hour = Number(m[1]) % 12;
  if (m[3].toLowerCase() === 'pm') hour += 12;
  return new Date(Date.UTC(Number(m[6]), month, Number(m[4]), hour, Number(m[2])));
}

/** Where LoCoMo comes from, for the errors of a missing or empty data folder. */
export const LOCOMO_SOURCE =
  'the project keeps its development split (three conversations, one .json file each) in ' +
  '../shared/bench/locomo beside the repository; the original ten conversations are file ' +
  'data/locomo10.zip of the snap-research/locomo repository (unzip it and pass the folder holding ' +
  'locomo10.json with --data)';

/** The default `--data` folder: $MNEMO_LOCOMO_DIR, else ../shared/bench/locomo from the working directory. */
export function defaultLocomoDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.MNEMO_LOCOMO_DIR || '../shared/bench/locomo';
}

/** One conversation object: the split's files hold one, the original locomo10.json an array of `{ conversation, qa }`. */
function conversationsIn(file: string, d: unknown): { name: string; d: Record<string, unknown> }[] {
  const name = file.replace(/\.json$/, '');
  const isLocomo = (x: unknown): x is Record<string, unknown> =>
    typeof x === 'object' && x !== null && 'session_1' in x && Array.isArray((x as { qa?: unknown }).qa);
  if (Array.isArray(d))
    return d
      .map((x, i) => {
        const el = x as { conversation?: Record<string, unknown>; qa?: unknown; sample_id?: unknown };
        return { name: `${name}-${String(el.sample_id ?? i)}`, d: { ...el.conversation, qa: el.qa } };
      })
      .filter((c) => isLocomo(c.d));
  return isLocomo(d) ? [{ name, d }] : [];
}

/**
 * Reads every conversation file of a LoCoMo folder (only the turns and questions: never
 * the annotations). A missing folder, or one without LoCoMo files, is an error that says
 * where the data comes from.
 *
 * @example
 * const conversations = loadLocomo('../shared/bench/locomo');
 */
export function loadLocomo(dir: string): Conversation[] {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch {
    throw new InvalidInputError(`cannot read the LoCoMo folder "${resolve(dir)}": ${LOCOMO_SOURCE}`, 'data');
  }
  const found = files.flatMap((f) => {
    let d: unknown;
    try {
      d = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    } catch {
      return [];
    }
    return conversationsIn(f, d);
  });
  if (!found.length)
    throw new InvalidInputError(
      `no LoCoMo conversation files in "${resolve(dir)}": ${LOCOMO_SOURCE}`,
      'data',
    );
  return found.map(({ name, d }) => {
    const turns: Conversation['turns'] = [];
    for (let n = 1; d[`session_${n}`]; n++) {
      const at = parseLocomoDate(String(d[`session_${n}_date_time`]));
      const raw = d[`session_${n}`] as {
        speaker: string;
        text: string;
        dia_id: string;
        blip_caption?: string;
      }[];
      for (const [i, t] of raw.entries())
        turns.push({
          content: `${t.speaker}: ${t.text}${t.blip_caption ? ` [shares a picture: ${t.blip_caption}]` : ''}`,
          session: String(n),
          // Turns of one session keep their order: a second apart from the session's start.
          occurredAt: new Date(at.getTime() + i * 1000),
          dia: t.dia_id,
        });
    }
    const ids = new Set(turns.map((t) => t.dia));
    const questions = (d.qa as { question: string; category: number; evidence?: string[] }[])
      .filter((q) => q.category >= 1 && q.category <= 4)
      .map((q) => ({
        question: q.question,
        category: q.category,
        evidence: (q.evidence ?? []).filter((e) => ids.has(e)),
      }))
      .filter((q) => q.evidence.length > 0);
    return { name, turns, questions };
  });
}

/** Recall@k per category and overall, for one ranking. */
export interface RankingScores {
  overall: Record<string, number>;
  byCategory: Record<string, Record<string, number>>;
}

/** The figures of one run. */
export interface LocomoReport {
  questions: number;
  memories: number;
  ks: number[];
  hybrid: RankingScores;
  bm25: RankingScores;
  vector: RankingScores | null;
  p50Ms: number;
  p95Ms: number;
  ingestPerSecond: number;
}

const RANKINGS: Record<'hybrid' | 'bm25' | 'vector', RecallInput['weights']> = {
  hybrid: undefined,
  bm25: { vector: 0, neighbor: 0, session: 0, recency: 0, importance: 0, time: 0 },
  vector: { text: 0, neighbor: 0, session: 0, recency: 0, importance: 0, time: 0 },
};

/**
 * Runs the LoCoMo retrieval protocol through the public API: every turn an episode
 * in a scope of its own conversation, then recall for every question of category 1-4.
 *
 * @example
 * const report = await runLocomo(mem, loadLocomo('../shared/bench/locomo'), [5, 10, 20]);
 */
export async function runLocomo(
  mem: LocalMemory,
  conversations: Conversation[],
  ks: number[],
  onProgress?: (done: number, total: number, phase: string) => void,
): Promise<LocomoReport> {
  const maxK = Math.max(...ks);
  const t0 = performance.now();
  let memories = 0;
  const idOf = new Map<string, string>();
  const turns = conversations.reduce((a, c) => a + c.turns.length, 0);
  onProgress?.(0, turns, 'memories');
  for (const c of conversations) {
    const stored = await mem.episodes.appendMany({
      scope: { tenant: 'locomo', user: c.name },
      episodes: c.turns.map((t) => ({
        content: t.content,
        session: t.session,
        occurredAt: t.occurredAt,
        role: 'user',
      })),
    });
    for (const [i, e] of stored.entries()) idOf.set(e.id, c.turns[i].dia);
    memories += stored.length;
    onProgress?.(memories, turns, 'memories');
  }
  // Embedding happens here (one-shot runs embed at the end of storing): say so, it takes a while.
  if (mem.embedder) onProgress?.(0, 0, 'embedding');
  await mem.flush();
  const ingestPerSecond = memories / ((performance.now() - t0) / 1000);

  const total = conversations.reduce((a, c) => a + c.questions.length, 0);
  const names = mem.embedder ? (['hybrid', 'bm25', 'vector'] as const) : (['hybrid', 'bm25'] as const);
  const hits: Record<string, { category: number; recall: Record<number, number> }[]> = {};
  const latencies: number[] = [];
  let done = 0;
  for (const c of conversations)
    for (const q of c.questions) {
      for (const name of names) {
        const start = performance.now();
        const { items } = await mem.recall({
          scope: { tenant: 'locomo', user: c.name },
          query: q.question,
          k: maxK,
          kinds: ['episode'],
          ...(RANKINGS[name] ? { weights: RANKINGS[name] } : {}),
        });
        if (name === 'hybrid') latencies.push(performance.now() - start);
        const dias = items.map((i) => idOf.get(i.id));
        const recall: Record<number, number> = {};
        for (const k of ks)
          recall[k] = q.evidence.filter((e) => dias.slice(0, k).includes(e)).length / q.evidence.length;
        hits[name] ??= [];
        hits[name].push({ category: q.category, recall });
      }
      onProgress?.(++done, total, 'questions');
    }
  const summarize = (rows: { category: number; recall: Record<number, number> }[]): RankingScores => {
    const mean = (xs: number[]) => (xs.length ? round(xs.reduce((a, b) => a + b, 0) / xs.length) : 0);
    const overall: Record<string, number> = {};
    const byCategory: Record<string, Record<string, number>> = {};
    for (const k of ks) {
      overall[`recall@${k}`] = mean(rows.map((r) => r.recall[k]));
      for (const cat of [1, 2, 3, 4]) {
        const xs = rows.filter((r) => r.category === cat).map((r) => r.recall[k]);
        if (!xs.length) continue;
        byCategory[String(cat)] ??= {};
        byCategory[String(cat)][`recall@${k}`] = mean(xs);
      }
    }
    return { overall, byCategory };
  };
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0);
  return {
    questions: total,
    memories,
    ks,
    hybrid: summarize(hits.hybrid ?? []),
    bm25: summarize(hits.bm25 ?? []),
    vector: hits.vector ? summarize(hits.vector) : null,
    p50Ms: pct(0.5),
    p95Ms: pct(0.95),
    ingestPerSecond: round(ingestPerSecond),
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
