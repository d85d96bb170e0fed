/**
 * Calibration of an embedding model's cosine similarity: where the cosine of
 * unrelated texts sits and where the cosine of a query and a memory that answers it
 * sits. Recall maps raw cosines through these two fixed references, so a vector
 * score means the same thing whatever the other candidates are (docs/recall.md).
 */
import { InvalidInputError } from '../../errors.js';
import type { Embedder, EmbedderCalibration } from './embedder.js';

export type { EmbedderCalibration } from './embedder.js';

/**
 * Used for a model nobody measured (OpenAI-compatible endpoints, your own function):
 * round values in the range modern normalised sentence-embedding models show, NOT
 * measured here. Measure yours with `npx tsx bench/calibrate-embedder.ts` and pass
 * `calibration` (or set MNEMO_EMBEDDING_CALIBRATION).
 */
export const DEFAULT_CALIBRATION: EmbedderCalibration = { unrelated: 0.25, related: 0.55 };

/**
 * Checks a calibration (two finite numbers in -1..1, `related` above `unrelated`)
 * and returns it.
 *
 * @example
 * checkCalibration({ unrelated: 0.25, related: 0.55 }); // ok
 * checkCalibration({ unrelated: 0.5, related: 0.1 }); // throws InvalidInputError (field "calibration")
 */
export function checkCalibration(c: unknown, field = 'calibration'): EmbedderCalibration {
  const v = c as Partial<EmbedderCalibration> | null;
  const ok = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x >= -1 && x <= 1;
  if (typeof v !== 'object' || v === null || !ok(v.unrelated) || !ok(v.related))
    throw new InvalidInputError(
      `${field} must be { unrelated, related }: two cosines from -1 to 1 (measure them with bench/calibrate-embedder.ts)`,
      field,
    );
  if ((v.related as number) - (v.unrelated as number) < 0.01)
    throw new InvalidInputError(
      `${field}.related must be above ${field}.unrelated by at least 0.01 (got ${v.unrelated} and ${v.related})`,
      field,
    );
  return { unrelated: v.unrelated as number, related: v.related as number };
}

/**
 * Parses `MNEMO_EMBEDDING_CALIBRATION` ("unrelated,related", e.g. "0.1,0.5").
 *
 * @example
 * parseCalibration('0.25,0.55'); // => { unrelated: 0.25, related: 0.55 }
 */
export function parseCalibration(raw: string, field = 'MNEMO_EMBEDDING_CALIBRATION'): EmbedderCalibration {
  const parts = raw.split(',').map((s) => Number(s.trim()));
  if (parts.length !== 2 || parts.some((x) => Number.isNaN(x)))
    throw new InvalidInputError(`${field} must be two cosines "unrelated,related", e.g. "0.25,0.55"`, field);
  return checkCalibration({ unrelated: parts[0], related: parts[1] }, field);
}

/** The calibration of an embedder: its own, or the documented default. */
export function calibrationOf(embedder: Pick<Embedder, 'calibration'>): EmbedderCalibration {
  return embedder.calibration ?? DEFAULT_CALIBRATION;
}

/**
 * Reference pairs: a question an agent might ask and a memory that answers it.
 * Fixed, varied topics; no pair comes from a benchmark or a test. Unrelated pairs are
 * every question with every other pair's memory.
 */
export const REFERENCE_PAIRS: ReadonlyArray<readonly [query: string, memory: string]> = [
  ['where does Maya live now?', 'Maya moved to a flat in Glasgow last spring'],
  ['what database do we run in production?', 'the production cluster runs PostgreSQL 16 with two replicas'],
  ['when is the dentist appointment?', 'booked a check-up with Dr. Osei for Thursday at 3 pm'],
  ['which programming language does Tom prefer?', 'Tom says he enjoys writing Rust more than anything else'],
  ['how did the marathon go?', 'finished my first marathon in four hours and ten minutes, legs are sore'],
  ['what pet does Lena have?', 'Lena adopted a grey rescue greyhound called Biscuit'],
  ['budget for the kitchen renovation', 'we agreed to spend at most 12,000 euros on the new kitchen'],
  ['why did the nightly job fail?', 'the nightly export crashed because the disk on the worker was full'],
  ['what instrument is she learning?', 'she started cello lessons with a teacher from the conservatory'],
  ['favourite kind of music', 'I mostly listen to old jazz records, Coltrane especially'],
  ['who is the new team lead?', 'Priya was promoted to lead the payments team this week'],
  ['how do I reset my password?', 'to change your password open settings, then security, then reset'],
  ['plans for the summer holiday', 'we are going camping in the Pyrenees for two weeks in August'],
  [
    'what is the wifi password at the office?',
    'the office network key is written on the whiteboard by reception',
  ],
  ['is the API rate limited?', 'clients get at most 100 requests per minute before a 429 response'],
  [
    'what did the doctor say about his knee?',
    'the physio thinks the knee pain is a strained ligament, rest for a month',
  ],
  ['where are the backups stored?', 'snapshots are copied every night to a bucket in another region'],
  ['what car does Jonas drive?', 'Jonas bought a second-hand electric hatchback last year'],
  ['how much does the subscription cost?', 'the premium plan is 9 dollars a month, billed yearly'],
  ['what are we having for the party?', 'I ordered two trays of sushi and a chocolate cake for Saturday'],
  [
    'which books has she read recently?',
    'she just finished a novel by Ishiguro and started a history of Rome',
  ],
  ['what time does the store open?', 'the shop on the corner opens at eight every weekday'],
  ['who fixed the memory leak?', 'Ana tracked the leak down to an unclosed file handle and patched it'],
  ['how is grandma doing?', 'grandma is recovering well after her hip surgery and walks with a cane'],
  ['what language is the user learning?', 'the user practises Japanese on an app every morning'],
  ['which hotel did we book?', 'reserved three nights at a small guesthouse near the old harbour'],
  ['what is the deadline for the grant?', 'the grant application has to be submitted by the end of March'],
  ['does he have any siblings?', 'he grew up with two older sisters in a small village'],
  ['what did we decide about the logo?', 'the team voted for the blue circular logo over the green one'],
  ['what sport does the kid play?', 'our son joined the under-10 football club and trains on Wednesdays'],
  ['what was the weather like on the trip?', 'it rained every single day of the hike, we were soaked'],
  ['how many users signed up?', 'registrations passed ten thousand accounts on Monday'],
  ['who does she work for?', 'she has been an engineer at a wind turbine manufacturer for five years'],
  ['what is the meeting about tomorrow?', 'tomorrow we review the quarterly roadmap with the product owners'],
  ['which framework is the frontend written in?', 'the web client is built with React and TypeScript'],
  ['what gift did he get for his birthday?', 'for his birthday his parents gave him a telescope'],
  ['is the bridge closed?', 'the river crossing is shut for repairs until next week'],
  ['what medication is she taking?', 'she takes a low dose of blood pressure tablets every morning'],
  ['how did the interview go?', 'the job interview went well, they want me back for a second round'],
  ['what hobby did he pick up?', 'he has been painting watercolour landscapes on weekends'],
];

/** Linear-interpolated percentile of sorted numbers. */
function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  const i = (sorted.length - 1) * p;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** What {@link measureCalibration} found. */
export interface CalibrationReport {
  calibration: EmbedderCalibration;
  unrelated: {
    n: number;
    p05: number;
    p50: number;
    p80: number;
    p85: number;
    p90: number;
    p95: number;
    p99: number;
  };
  related: { n: number; p10: number; p25: number; p50: number; p75: number };
}

/**
 * Measures an embedder's calibration on {@link REFERENCE_PAIRS}: one embed call of
 * their texts; `unrelated` is the 85th percentile of the unrelated pairs' cosines,
 * `related` the median of the related ones (rounded to 0.01).
 *
 * @example
 * const { calibration } = await measureCalibration(createBuiltinEmbedder());
 * // => { unrelated: 0.21, related: 0.5 } (for builtin:use-lite-512)
 */
export async function measureCalibration(embedder: Embedder): Promise<CalibrationReport> {
  const texts: string[] = REFERENCE_PAIRS.flat();
  const vectors: Float32Array[] = [];
  for (let i = 0; i < texts.length; i += embedder.maxBatch)
    vectors.push(...(await embedder.embed(texts.slice(i, i + embedder.maxBatch))));
  const n = REFERENCE_PAIRS.length;
  const related: number[] = [];
  const unrelated: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) (i === j ? related : unrelated).push(dot(vectors[2 * i], vectors[2 * j + 1]));
  related.sort((a, b) => a - b);
  unrelated.sort((a, b) => a - b);
  const r2 = (x: number) => Math.round(x * 100) / 100;
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    calibration: { unrelated: r2(percentile(unrelated, 0.85)), related: r2(percentile(related, 0.5)) },
    unrelated: {
      n: unrelated.length,
      p05: r3(percentile(unrelated, 0.05)),
      p50: r3(percentile(unrelated, 0.5)),
      p80: r3(percentile(unrelated, 0.8)),
      p85: r3(percentile(unrelated, 0.85)),
      p90: r3(percentile(unrelated, 0.9)),
      p95: r3(percentile(unrelated, 0.95)),
      p99: r3(percentile(unrelated, 0.99)),
    },
    related: {
      n: related.length,
      p10: r3(percentile(related, 0.1)),
      p25: r3(percentile(related, 0.25)),
      p50: r3(percentile(related, 0.5)),
      p75: r3(percentile(related, 0.75)),
    },
  };
}
