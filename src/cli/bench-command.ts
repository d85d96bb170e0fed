import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { loadLocomo, runLocomo } from '../bench/locomo-bench.js';
import { InvalidInputError } from '../errors.js';
import { createMemory } from '../memory.js';

const CATEGORY = { '1': 'multi-hop', '2': 'temporal', '3': 'open-domain', '4': 'single-hop' } as Record<
  string,
  string
>;

/** `mnemo bench locomo --data DIR`: the LoCoMo retrieval benchmark through the public API. */
export function registerBenchCommand(program: Command): void {
  const bench = program.command('bench').description('benchmarks');
  bench
    .command('locomo')
    .description('LoCoMo evidence recall@k of recall (hybrid, BM25 only, vector only) and recall latency')
    .requiredOption('--data <dir>', 'folder of LoCoMo conversation files (*.json)')
    .option('--k <list>', 'cut-offs, comma separated', '5,10,20')
    .option('--database-url <url>', 'run on this PostgreSQL server (default: embedded, in memory)')
    .option('--embedder <kind>', 'builtin, openai or none (text only)', 'builtin')
    .option('--json', 'end with one JSON line of the figures')
    .action(
      async (flags: { data: string; k: string; databaseUrl?: string; embedder: string; json?: boolean }) => {
        const ks = flags.k.split(',').map((x) => Number(x.trim()));
        if (ks.some((k) => !Number.isInteger(k) || k < 1 || k > 100))
          throw new InvalidInputError('--k takes whole numbers from 1 to 100, comma separated', 'k');
        const conversations = loadLocomo(flags.data);
        const mem = await createMemory({
          ...(flags.databaseUrl ? { databaseUrl: flags.databaseUrl } : { dataDir: ':memory:' }),
          embedding: { model: flags.embedder as 'builtin' },
        });
        const bar = process.stderr.isTTY
          ? new SingleBar({ format: 'questions [{bar}] {value}/{total}' })
          : null;
        try {
          const total = conversations.reduce((a, c) => a + c.questions.length, 0);
          bar?.start(total, 0);
          const r = await runLocomo(mem, conversations, ks, (done) => bar?.update(done));
          bar?.stop();
          const line = (name: string, s: typeof r.hybrid | null) =>
            s
              ? `${name.padEnd(8)} ${ks.map((k) => `R@${k} ${s.overall[`recall@${k}`].toFixed(3)}`).join('  ')}`
              : '';
          process.stdout.write(
            `LoCoMo retrieval: ${conversations.length} conversations, ${r.memories} memories, ${r.questions} questions\n`,
          );
          process.stdout.write(`${line('hybrid', r.hybrid)}\n${line('bm25', r.bm25)}\n`);
          if (r.vector) process.stdout.write(`${line('vector', r.vector)}\n`);
          for (const [cat, s] of Object.entries(r.hybrid.byCategory))
            process.stdout.write(
              `  category ${cat} (${CATEGORY[cat]}): ${ks.map((k) => `R@${k} ${s[`recall@${k}`].toFixed(3)}`).join('  ')}\n`,
            );
          process.stdout.write(
            `recall latency p50 ${r.p50Ms.toFixed(1)} ms, p95 ${r.p95Ms.toFixed(1)} ms; ingest ${r.ingestPerSecond.toFixed(0)} memories/s (embedding included)\n`,
          );
          if (flags.json) {
            const out: Record<string, unknown> = { questions: r.questions, memories: r.memories };
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
          bar?.stop();
          await mem.close();
        }
      },
    );
}
