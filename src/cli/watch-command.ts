import type { Command } from 'commander';
import type { Observation } from '../coordination/observations-schema.js';
import { InvalidInputError } from '../errors.js';
import { type StoreFlags, scopeOf, storeOptions, withMemory } from './common.js';

interface WatchFlags extends StoreFlags {
  type?: string[];
  subject?: string[];
  cursor?: string;
}

const collect = (v: string, acc: string[]) => [...acc, v];

/**
 * One observation as a terminal line.
 *
 * @example
 * observationLine(o) // => '#42 2026-05-08T13:56:00.000Z ci deploy_failed payments: deploy_failed on payments'
 */
export function observationLine(o: Observation): string {
  return `#${o.seq} ${o.occurredAt.toISOString()} ${o.agent || '-'} ${o.type} ${o.subject}: ${o.content.replace(/\s+/g, ' ')}`;
}

/**
 * `mnemo watch`: prints observations live (one line each, or JSON lines with --json)
 * until Ctrl-C. `--cursor SEQ` first replays what came after SEQ.
 *
 * @example
 * // mnemo watch --type deploy_failed --subject payments --cursor 120 --json
 */
export function registerWatchCommand(program: Command): void {
  storeOptions(program.command('watch'))
    .description('print observations live until Ctrl-C (--cursor SEQ replays what came after SEQ first)')
    .option('--type <type>', 'only this type (repeatable)', collect, [])
    .option('--subject <subject>', 'only this subject (repeatable)', collect, [])
    .option('--cursor <seq>', 'resume after this seq (0 = from the beginning)')
    .action(async (f: WatchFlags) => {
      let cursor: number | undefined;
      if (f.cursor !== undefined) {
        if (!/^\d+$/.test(f.cursor.trim()))
          throw new InvalidInputError(
            `--cursor must be a seq, a whole number >= 0 (got "${f.cursor}")`,
            'cursor',
          );
        cursor = Number(f.cursor);
      }
      await withMemory(f, async (mem) => {
        const sub = await mem.observations.subscribe(
          {
            scope: scopeOf(f),
            ...(f.type?.length ? { types: f.type } : {}),
            ...(f.subject?.length ? { subjects: f.subject } : {}),
            ...(cursor !== undefined ? { cursor } : {}),
          },
          (o) => {
            process.stdout.write(`${f.json ? JSON.stringify(o) : observationLine(o)}\n`);
          },
        );
        process.stderr.write(`watching after seq ${sub.cursor()}; Ctrl-C to stop\n`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await sub.close();
        process.stderr.write(`stopped; resume with --cursor ${sub.cursor()}\n`);
      });
    });
}
