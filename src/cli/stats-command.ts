import type { Command } from 'commander';
import { InvalidInputError, MnemoError } from '../errors.js';
import type { LocalMemory } from '../memory.js';
import type { StatsReport } from '../stats/stats-schema.js';
import { isRemote, printRows, type StoreFlags, withMemory } from './common.js';

interface StatsFlags extends StoreFlags {
  check?: boolean;
  maxSize?: string;
  allTenants?: boolean;
}

type TenantRows = { tenant: string } & StatsReport['rows'];

/** The exit code of `--check` when a threshold is crossed (1 is an error, 2 bad input). */
export const CHECK_FAILED_EXIT = 3;

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, tb: 1024 ** 4 };

/**
 * A size flag: a number of bytes, or a number with KB, MB, GB or TB (powers of 1024, as
 * PostgreSQL's own settings count them).
 *
 * @example
 * sizeFlag('10GB', 'max-size') // => 10737418240
 * sizeFlag('banana', 'max-size') // throws invalid_input "--max-size: expected a size such as 10GB ..."
 */
export function sizeFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?b)?\s*$/i.exec(value);
  const n = m ? Math.floor(Number(m[1]) * (UNITS[(m[2] ?? 'b').toLowerCase()] ?? 1)) : 0;
  if (!m || !(n >= 1))
    throw new InvalidInputError(
      `--${flag}: expected a size such as 10GB, 500MB or a number of bytes (got "${value}")`,
      flag,
    );
  return n;
}

const size = (n: number) =>
  n >= 1024 ** 3
    ? `${(n / 1024 ** 3).toFixed(2)} GB`
    : n >= 1024 ** 2
      ? `${(n / 1024 ** 2).toFixed(1)} MB`
      : `${(n / 1024).toFixed(0)} kB`;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const pairs = (o: Record<string, number>) =>
  Object.entries(o)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

/** The report as a person reads it: one line per figure; then what is unavailable and the warnings. */
function readable(r: StatsReport): { body: string[]; tail: string[] } {
  const d = r.database;
  const lines = [
    `tenant: ${r.tenant} (${r.engine}, ${r.at.toISOString()})`,
    `rows: ${pairs(r.rows)}`,
    `growth, last 30 days: ${r.growth.length ? '' : 'nothing created'}`,
    ...r.growth.map(
      (g) => `  ${g.day}: episode ${g.episode}, fact ${g.fact}, brain ${g.brain}, decision ${g.decision}`,
    ),
    `embedding backlog: ${r.embeddings.pendingTotal} (${pairs(r.embeddings.pending)}), model ${r.embeddings.model ?? 'none bound'}`,
    `tasks: ${r.tasks.length ? r.tasks.map((t) => `${t.queue} ${t.status} ${t.count}`).join(', ') : 'none'}`,
    `llm cache: ${r.llmCache.entries} entries, hit rate ${pct(r.llmCache.hitRate)} (${r.llmCache.hits} hits, ` +
      `${r.llmCache.misses} misses), cost saved $${r.llmCache.costSaved.toFixed(4)}`,
    `database: ${size(d.sizeBytes)}${d.maxSizeBytes ? ` of ${size(d.maxSizeBytes)} allowed` : ''}`,
    `  largest tables: ${d.tables
      .slice(0, 5)
      .map((t) => `${t.table} ${size(t.totalBytes)} (indexes ${size(t.indexBytes)})`)
      .join(', ')}`,
    `  largest indexes: ${d.indexes
      .slice(0, 5)
      .map((i) => `${i.index} ${size(i.bytes)}`)
      .join(', ')}`,
  ];
  if (d.cacheHitRatio !== null)
    lines.push(`  buffer cache hit ratio: ${pct(d.cacheHitRatio)} of ${d.blocksAsked} blocks`);
  if (d.connections) lines.push(`  connections: ${d.connections.used} of ${d.connections.max}`);
  if (d.longestRunningMs !== null)
    lines.push(`  longest running statement: ${(d.longestRunningMs / 1000).toFixed(1)} s`);
  for (const s of d.slowStatements ?? [])
    lines.push(
      `  slow: ${s.meanMs.toFixed(0)} ms mean, ${s.calls} calls: ${s.query.replace(/\s+/g, ' ').slice(0, 100)}`,
    );
  const tail = [
    ...r.unavailable.map((u) => `unavailable: ${u.figure}: ${u.reason}`),
    ...r.warnings.map((w) => `warning [${w.threshold}]: ${w.message}`),
  ];
  return { body: lines, tail };
}

/**
 * Registers `mnemo stats`: the store's figures and the alert thresholds it crosses; with
 * `--check`, exits 3 when any is crossed (for cron).
 *
 * @example
 * // mnemo stats --check --max-size 10GB
 * registerStatsCommand(program);
 */
export function registerStatsCommand(program: Command): void {
  program
    .command('stats')
    .description(
      "store statistics: the tenant's rows, growth, embedding backlog, tasks and LLM cache; database and table " +
        'sizes, buffer cache hit ratio, connections, slow statements; a warning line per alert threshold crossed',
    )
    .option('--database-url <url>', 'PostgreSQL URL (default: $DATABASE_URL, else the embedded store)')
    .option('--data-dir <dir>', 'folder of the embedded store (default: $MNEMO_DATA_DIR or ./.mnemo)')
    .option('--tenant <id>', 'tenant whose rows are counted (default: "default")')
    .option('--max-size <size>', 'size the database must stay under (10GB, 500MB, bytes): a warning at 90%')
    .option(
      '--all-tenants',
      'also count the rows of every tenant (on the store itself, not through a server)',
    )
    .option('--check', `exit ${CHECK_FAILED_EXIT} when a threshold is crossed (for cron)`)
    .option('--json', 'print the report as JSON')
    .action(async (f: StatsFlags) => {
      const maxSizeBytes = sizeFlag(f.maxSize, 'max-size');
      const { report, tenants } = await withMemory(f, async (mem) => {
        if (f.allTenants && isRemote(mem))
          throw new MnemoError(
            'locked',
            `--all-tenants reads the store itself, and the folder is held by the server at ${mem.url}: ` +
              'stop it to run this here, or leave out --all-tenants (a server shows one tenant per key)',
          );
        const report = await mem.stats({
          scope: f.tenant ? { tenant: f.tenant } : {},
          ...(maxSizeBytes !== undefined ? { maxSizeBytes } : {}),
        });
        let tenants: TenantRows[] | undefined;
        if (f.allTenants) {
          const { rowsPerTenant } = await import('../stats/stats-service.js');
          tenants = await rowsPerTenant((mem as LocalMemory).db);
        }
        return { report, tenants };
      });
      if (f.json)
        process.stdout.write(`${JSON.stringify(tenants ? { ...report, tenants } : report, null, 2)}\n`);
      else {
        const { body, tail } = readable(report);
        process.stdout.write(`${body.join('\n')}\n`);
        if (tenants) {
          process.stdout.write('rows per tenant:\n');
          printRows(tenants as unknown as Record<string, unknown>[], false);
        }
        if (tail.length) process.stdout.write(`${tail.join('\n')}\n`);
      }
      if (f.check && report.warnings.length > 0) process.exitCode = CHECK_FAILED_EXIT;
    });
}
