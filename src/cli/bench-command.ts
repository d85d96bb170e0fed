import type { Command } from 'commander';
import type { LocomoReport } from '../bench/locomo-bench.js';
import { InvalidInputError } from '../errors.js';
import type { Progress } from './progress.js';

const CATEGORY = { '1': 'multi-hop', '2': 'temporal', '3': 'open-domain', '4': 'single-hop' } as Record<
  string,
  string
>;

/** What a run's first ranking is: text and vectors fused, or text alone (no embedder). */
function modeOf(r: LocomoReport): 'hybrid' | 'text-only' {
  return r.vector ? 'hybrid' : 'text-only';
}

/**
 * `mnemo bench locomo [--data DIR]`: the LoCoMo retrieval benchmark through the public API,
 * with progress on stderr. A run without an embedder is labelled text-only, never hybrid.
 *
 * @example
 * // mnemo bench locomo --data ../shared/bench/locomo --json
 */
export function registerBenchCommand(program: Command): void {
  const bench = program.command('bench').description('benchmarks');
  bench
    .command('locomo')
    .description(
      'LoCoMo evidence recall@k of recall (hybrid, BM25 only, vector only; text-only without an embedder) ' +
        'and recall latency; progress on stderr',
    )
    .option(
      '--data <dir>',
      'folder of LoCoMo conversation files (*.json) (default: $MNEMO_LOCOMO_DIR, else ../shared/bench/locomo)',
    )
    .option('--k <list>', 'cut-offs, comma separated', '5,10,20')
    .option('--database-url <url>', 'run on this PostgreSQL server (default: embedded, in memory)')
    .option('--embedder <kind>', 'builtin, openai or none (text only)', 'builtin')
    .option('--json', 'end with one JSON line of the figures')
    .action(
      async (flags: { data?: string; k: string; databaseUrl?: string; embedder: string; json?: boolean }) => {
        const ks = flags.k.split(',').map((x) => Number(x.trim()));
        if (ks.some((k) => !Number.isInteger(k) || k < 1 || k > 100))
          throw new InvalidInputError('--k takes whole numbers from 1 to 100, comma separated', 'k');
        // The benchmark, the library and the progress bars load when the command runs.
        const [{ defaultLocomoDir, loadLocomo, runLocomo }, { createMemory }, { createProgress }] =
          await Promise.all([
            import('../bench/locomo-bench.js'),
            import('../memory.js'),
            import('./progress.js'),
          ]);
        const conversations = loadLocomo(flags.data ?? defaultLocomoDir());
        const mem = await createMemory({
          ...(flags.databaseUrl ? { databaseUrl: flags.databaseUrl } : { dataDir: ':memory:' }),
          embedding: { model: flags.embedder as 'builtin' },
        });
        const bars: Record<string, Progress> = {};
        const stopAll = () => {
          for (const b of Object.values(bars)) b.stop();
        };
        try {
          const r = await runLocomo(mem, conversations, ks, (done, total, phase) => {
            if (phase === 'embedding') {
              stopAll();
              process.stderr.write('embedding the memories...\n');
              return;
            }
            if (!bars[phase]) {
              stopAll();
              bars[phase] = createProgress({ label: `LoCoMo ${phase}`, unit: phase });
            }
            bars[phase].update(done, total);
          });
          stopAll();
          const line = (name: string, s: typeof r.hybrid | null) =>
            s
              ? `${name.padEnd(9)} ${ks.map((k) => `R@${k} ${s.overall[`recall@${k}`].toFixed(3)}`).join('  ')}`
              : '';
          const mode = modeOf(r);
          process.stdout.write(
            `LoCoMo retrieval (${mode}${mode === 'text-only' ? ': no embedder' : ''}): ${conversations.length} conversations, ` +
              `${r.memories} memories, ${r.questions} questions\n`,
          );
          // Without vectors the fused ranking is text signals only: it is not called hybrid.
          process.stdout.write(`${line(mode, r.hybrid)}\n${line('bm25', r.bm25)}\n`);
          if (r.vector) process.stdout.write(`${line('vector', r.vector)}\n`);
          for (const [cat, s] of Object.entries(r.hybrid.byCategory))
            process.stdout.write(
              `  category ${cat} (${CATEGORY[cat]}): ${ks.map((k) => `R@${k} ${s[`recall@${k}`].toFixed(3)}`).join('  ')}\n`,
            );
          process.stdout.write(
            `recall latency p50 ${r.p50Ms.toFixed(1)} ms, p95 ${r.p95Ms.toFixed(1)} ms; ingest ${r.ingestPerSecond.toFixed(0)} memories/s (embedding included)\n`,
          );
          if (flags.json) {
            const out: Record<string, unknown> = { mode, questions: r.questions, memories: r.memories };
            for (const k of ks) out[`recall@${k}`] = r.hybrid.overall[`recall@${k}`];
            Object.assign(out, {
              p50_ms: r.p50Ms,
              p95_ms: r.p95Ms,
              ingest_per_s: r.ingestPerSecond,
              by_category: r.hybrid.byCategory,
              bm25: r.bm25.overall,
              vector: r.vector?.overall ?? null,
            });
            process.stdout.write(`${JSON.stringify(out)}\n`);
          }
        } finally {
          stopAll();
          await mem.close();
        }
      },
    );
}
