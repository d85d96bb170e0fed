// Texts per second of the built-in embedder (USE lite) on each TensorFlow.js backend
// (wasm, cpu) at batch sizes 1, 16 and 64, on short chat turns of about 20 words;
// plus model load time, resident memory, and the hash embedder for scale.
// Each backend runs in its own child process (one tfjs backend per process).
// Usage: npx tsx bench/embedders.ts [seconds-per-measure]   (default 8)
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { type BuiltinBackend, createBuiltinEmbedder } from '../src/recall/embedders/builtin-embedder.js';
import type { Embedder } from '../src/recall/embedders/embedder.js';
import { createHashEmbedder } from '../src/recall/embedders/hash-embedder.js';

const SECONDS = Number(process.argv[2] ?? 8);
const BATCHES = [1, 16, 64];

const WORDS =
  'the agent pushed a fix to production after the user reported that login failed on mobile and asked ' +
  'whether we should roll back the release or wait for the database migration to finish tonight';

/** A distinct chat turn of about 20 words. */
function turn(i: number): string {
  const w = WORDS.split(' ');
  const start = i % (w.length - 20);
  return `${w.slice(start, start + 19).join(' ')} ${i}`;
}

/** Embeds batches of `size` for about SECONDS seconds (at least 2 batches) and returns texts/s. */
async function measure(e: Embedder, size: number): Promise<number> {
  await e.embed(Array.from({ length: size }, (_, i) => turn(i))); // warm-up
  let n = 0;
  let batches = 0;
  const t0 = performance.now();
  while (batches < 2 || performance.now() - t0 < SECONDS * 1000) {
    await e.embed(Array.from({ length: size }, (_, i) => turn(n + i)));
    n += size;
    batches++;
  }
  return n / ((performance.now() - t0) / 1000);
}

async function child(backend: BuiltinBackend): Promise<void> {
  const e = createBuiltinEmbedder({ backend });
  const t0 = performance.now();
  await e.embed(['warm up']);
  const loadMs = performance.now() - t0;
  const rows: Record<string, number> = { loadMs, rssMiB: process.memoryUsage().rss / 2 ** 20 };
  for (const b of BATCHES) rows[`b${b}`] = await measure(e, b);
  process.stdout.write(JSON.stringify(rows));
}

async function parent(): Promise<void> {
  console.log(
    `load average before: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}; ${SECONDS} s per measure\n`,
  );
  console.log('| embedder | load (first embed) | RSS after load | batch 1 | batch 16 | batch 64 |');
  console.log('|---|---|---|---|---|---|');
  for (const backend of ['wasm', 'cpu'] as const) {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', new URL(import.meta.url).pathname, String(SECONDS), `--child=${backend}`],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    const r = JSON.parse(out) as Record<string, number>;
    console.log(
      `| builtin:use-lite-512 on tfjs ${backend} | ${(r.loadMs / 1000).toFixed(2)} s | ${r.rssMiB.toFixed(0)} MiB | ` +
        BATCHES.map((b) => `${r[`b${b}`].toFixed(1)} texts/s`).join(' | ') +
        ' |',
    );
  }
  const hash = createHashEmbedder({ dimension: 512 });
  const hr = [] as string[];
  for (const b of BATCHES) hr.push(`${(await measure(hash, b)).toFixed(0)} texts/s`);
  console.log(`| hash:ngram-v1 (512) | - | - | ${hr.join(' | ')} |`);
  console.log(
    `\nload average after: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
}

const childArg = process.argv.find((a) => a.startsWith('--child='));
if (childArg) await child(childArg.slice('--child='.length) as BuiltinBackend);
else await parent();
