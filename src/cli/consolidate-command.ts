import type { Command } from 'commander';
import { InvalidInputError } from '../errors.js';
import { printObject, type StoreFlags, scopeOf, storeOptions, withMemory } from './common.js';

interface ConsolidateFlags extends StoreFlags {
  olderThan?: string;
  every?: string;
}

function seconds(raw: string | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n))
    throw new InvalidInputError(`--${flag} must be a whole number of seconds (got "${raw}")`, flag);
  return n;
}

/**
 * `mnemo consolidate`: summarises episodes older than --older-than seconds (default seven
 * days) into facts, archives them and merges duplicate facts; with --every, queues a
 * periodic `mnemo.consolidate` task for a formation worker instead.
 *
 * @example
 * // mnemo consolidate --older-than 86400 --user alice
 * // mnemo consolidate --every 86400          (nightly, run by `startFormationWorker`)
 */
export function registerConsolidateCommand(program: Command): void {
  storeOptions(program.command('consolidate'))
    .description('summarise and archive old episodes, merge duplicate facts (needs an LLM to summarise)')
    .option('--older-than <seconds>', 'age of the episodes to consolidate (default 604800, seven days)')
    .option('--every <seconds>', 'do not run now: queue a consolidation task repeating this often')
    .action(async (f: ConsolidateFlags) => {
      const olderThanSeconds = seconds(f.olderThan, 'older-than');
      const every = seconds(f.every, 'every');
      await withMemory(f, async (mem) => {
        if (every !== undefined) {
          const { scheduleConsolidation } = await import('../formation/consolidation-service.js');
          const t = await scheduleConsolidation(mem.tasks, {
            scope: scopeOf(f),
            everySeconds: every,
            ...(olderThanSeconds !== undefined ? { olderThanSeconds } : {}),
          });
          printObject({ task: t.id, queue: t.queue, runAfter: t.runAfter, everySeconds: every }, f.json);
          return;
        }
        const r = await mem.consolidate({
          scope: scopeOf(f),
          ...(olderThanSeconds !== undefined ? { olderThanSeconds } : {}),
        });
        printObject(f.json ? r : { ...r, facts: JSON.stringify(r.facts) }, f.json);
      });
    });
}
