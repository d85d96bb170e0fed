import type { Command } from 'commander';
import { InvalidInputError, MnemoError } from '../errors.js';
import { parseDuration } from '../maintenance/duration.js';
import type { MaintainInput, MaintenanceReport, StepReport } from '../maintenance/maintenance-schema.js';
import { type StoreFlags, withLocalMemory } from './common.js';

interface MaintainFlags extends StoreFlags {
  only?: string;
  dryRun?: boolean;
  usageRetention?: string;
  cacheMaxEntries?: string;
  cacheMaxIdle?: string;
  purgeArchivedAfter?: string;
  batchSize?: string;
}

/** The steps, as `--only` takes them (kept here so the command loads no library code for --help). */
const STEPS = ['usage', 'brain', 'cache', 'episodes', 'analyze', 'vacuum', 'reindex'];

/**
 * A duration flag (`13mo`, `90d`, `24h`) in milliseconds.
 *
 * @example
 * durationFlag('90d', 'purge-archived-after') // => 7776000000
 * durationFlag('soon', 'usage-retention') // throws invalid_input "--usage-retention: expected a duration ..."
 */
export function durationFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === null)
    throw new InvalidInputError(
      `--${flag}: expected a duration such as 13mo, 90d, 24h or 30m (got "${value}")`,
      flag,
    );
  return ms;
}

function countFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!(Number.isSafeInteger(n) && n >= 1))
    throw new InvalidInputError(`--${flag}: expected a whole number of at least 1 (got "${value}")`, flag);
  return n;
}

/**
 * The options of `maintain` the flags give (of `mnemo maintain` and of `mnemo serve`);
 * refuses a bad one (exit 2) before the store is opened.
 *
 * @example
 * maintainInputOf({ usageRetention: '13mo', only: 'usage' }) // => { steps: ['usage'], dryRun: false, usageRetentionMs: 34187400000 }
 */
export function maintainInputOf(f: MaintainFlags): MaintainInput {
  let steps: string[] | undefined;
  if (f.only !== undefined) {
    steps = f.only.split(',').map((s) => s.trim());
    const bad = steps.filter((s) => !STEPS.includes(s));
    if (bad.length || !steps.length)
      throw new InvalidInputError(
        `--only: unknown step "${bad.join(', ')}"; the steps are ${STEPS.join(', ')}`,
        'only',
      );
  }
  const input: Record<string, unknown> = {
    ...(steps ? { steps } : {}),
    dryRun: f.dryRun === true,
    usageRetentionMs: durationFlag(f.usageRetention, 'usage-retention'),
    cacheMaxEntries: countFlag(f.cacheMaxEntries, 'cache-max-entries'),
    cacheMaxIdleMs: durationFlag(f.cacheMaxIdle, 'cache-max-idle'),
    archivedEpisodesAfterMs: durationFlag(f.purgeArchivedAfter, 'purge-archived-after'),
    batchSize: countFlag(f.batchSize, 'batch-size'),
  };
  for (const k of Object.keys(input)) if (input[k] === undefined) delete input[k];
  return input as MaintainInput;
}

/** One line per step: what it did, or why it did not. */
function line(s: StepReport): string {
  const did = [
    ...(s.deleted
      ? [
          `deleted ${Object.entries(s.deleted)
            .map(([t, n]) => `${t} ${n}`)
            .join(', ')}`,
        ]
      : []),
    ...(s.indexes?.length ? [`reindexed ${s.indexes.join(', ')}`] : []),
    ...(s.auditIds?.length ? [`audit rows ${s.auditIds.length}`] : []),
  ];
  // A reason starts with its step's name ("reindex: skipped on PGlite ...").
  const why = (s.reason ?? '').replace(`${s.step}: `, '');
  const what =
    s.status === 'done'
      ? did.join('; ') || 'done'
      : s.status === 'failed'
        ? `failed: ${why}`
        : why.startsWith('skipped')
          ? why
          : `skipped: ${why}`;
  return `${s.step}: ${what} (${s.ms} ms)`;
}

/**
 * Registers `mnemo maintain`: retention and the engine's upkeep on the store, once.
 *
 * @example
 * // mnemo maintain --only usage,cache --dry-run --usage-retention 13mo
 * registerMaintainCommand(program);
 */
export function registerMaintainCommand(program: Command): void {
  program
    .command('maintain')
    .description(
      'retention and upkeep, once: delete old usage events, sweep expired brain keys (history kept), bound the ' +
        'LLM cache, optionally purge old archived episodes (audited); ANALYZE, VACUUM, REINDEX CONCURRENTLY of ' +
        'the vector indexes (PostgreSQL)',
    )
    .option('--database-url <url>', 'PostgreSQL URL (default: $DATABASE_URL, else the embedded store)')
    .option('--data-dir <dir>', 'folder of the embedded store (default: $MNEMO_DATA_DIR or ./.mnemo)')
    .option('--only <steps>', `comma-separated steps to run, of ${STEPS.join(', ')} (default: all)`)
    .option('--dry-run', 'count what retention would delete; change nothing')
    .option('--usage-retention <duration>', 'keep usage events this long (default 13mo)')
    .option(
      '--cache-max-entries <n>',
      'LLM cache outputs kept per tenant, most recently used (default 100000)',
    )
    .option('--cache-max-idle <duration>', 'also delete cache outputs unused this long (default: kept)')
    .option(
      '--purge-archived-after <duration>',
      'purge episodes archived longer ago than this, each through the audited purge (default: never)',
    )
    .option('--batch-size <n>', 'rows one delete statement removes at most (default 5000)')
    .option('--json', 'print the report as JSON')
    .action(async (f: MaintainFlags & { json?: boolean }) => {
      const input = maintainInputOf(f);
      const { maintain } = await import('../maintenance/maintenance-service.js');
      const report: MaintenanceReport = await withLocalMemory(f, (mem) => maintain(mem, input));
      if (f.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else {
        const head = `maintain on ${report.engine}${report.dryRun ? ' (dry run: nothing changed)' : ''}, ${report.ms} ms`;
        process.stdout.write(`${[head, ...report.steps.map(line)].join('\n')}\n`);
      }
      const failed = report.steps.filter((s) => s.status === 'failed');
      if (failed.length)
        throw new MnemoError(
          'internal',
          `${failed.length} step(s) failed: ${failed.map((s) => s.reason).join('; ')}`,
        );
    });
}
