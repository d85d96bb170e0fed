import type { Command } from 'commander';
import { systemClock } from '../clock.js';
import { InvalidInputError } from '../errors.js';
import type { LocalMemory } from '../memory.js';
import type { UsageReport } from '../usage-report/usage-report-schema.js';
import { isRemote, type StoreFlags, withMemory } from './common.js';

interface UsageFlags extends StoreFlags {
  month?: string;
  csv?: boolean;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * The `--month` flag: `YYYY-MM`, or the current month (UTC) when left out.
 *
 * @example
 * monthFlag('2026-11') // => '2026-11'
 * monthFlag('nov') // throws invalid_input "--month: expected a month written YYYY-MM ..."
 */
export function monthFlag(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!MONTH.test(value.trim()))
    throw new InvalidInputError(
      `--month: expected a month written YYYY-MM, such as 2026-11 (got "${value}")`,
      'month',
    );
  return value.trim();
}

const money = (x: number) => `$${x.toFixed(4)}`;
const latency = (l: { p50: number; p95: number; p99: number }) =>
  `p50 ${l.p50} ms, p95 ${l.p95} ms, p99 ${l.p99} ms`;

/** The report as a person reads it: a line per tenant, per key, per endpoint and status. */
function readable(r: UsageReport): string[] {
  const lines = [`usage ${r.month} (UTC, ${r.from.toISOString()} to ${r.to.toISOString()})`];
  if (r.tenants.length === 0) lines.push('no requests');
  for (const t of r.tenants) {
    lines.push(
      `tenant ${t.tenant}: ${t.requests} requests (${t.refused} refused), ${t.tokens} tokens, cost ${money(t.cost)}, ` +
        `overage ${t.overage}, latency ${latency(t.latencyMs)}`,
    );
    for (const k of t.keys) {
      const who = k.keyId === null ? 'no key' : `key ${k.prefix ?? k.keyId}${k.name ? ` (${k.name})` : ''}`;
      const quota = k.monthlyQuota === null ? 'no quota' : `quota ${k.monthlyQuota}`;
      lines.push(
        `  ${who}: ${k.requests} requests, ${quota}, used ${k.quotaUsed}, overage ${k.overage}, ` +
          `${k.refused} refused, ${k.tokens} tokens, cost ${money(k.cost)}, latency ${latency(k.latencyMs)}`,
        `    by status: ${k.byStatus.map((s) => `${s.status} ${s.requests}`).join(', ')}`,
      );
      for (const e of k.endpoints)
        lines.push(
          `    ${e.method} ${e.endpoint} ${e.status}: ${e.requests} requests, ${e.tokens} tokens, ` +
            `cost ${money(e.cost)}, latency ${latency(e.latencyMs)}`,
        );
    }
  }
  return lines;
}

/**
 * Registers `mnemo usage`: the usage and billing report of a month, as lines, JSON or CSV.
 *
 * @example
 * // mnemo usage --month 2026-11 --csv > usage-2026-11.csv
 * registerUsageCommand(program);
 */
export function registerUsageCommand(program: Command): void {
  program
    .command('usage')
    .description(
      'usage and billing report of a calendar month (UTC): per tenant and API key, requests by endpoint, ' +
        'method and status, latency percentiles, tokens, LLM cost, monthly quota, quota used and overage',
    )
    .option('--database-url <url>', 'PostgreSQL URL (default: $DATABASE_URL, else the embedded store)')
    .option('--data-dir <dir>', 'folder of the embedded store (default: $MNEMO_DATA_DIR or ./.mnemo)')
    .option('--month <YYYY-MM>', 'the month, UTC (default: the current month)')
    .option('--tenant <id>', "only this tenant (default: every tenant; through a server, the key's tenant)")
    .option('--json', 'print the report as JSON')
    .option('--csv', 'print one CSV row per tenant, key, endpoint, method and status, with a header row')
    .action(async (f: UsageFlags) => {
      const month = monthFlag(f.month);
      if (f.json && f.csv) throw new InvalidInputError('--json and --csv: choose one output format', 'csv');
      const report = await withMemory(f, async (mem) => {
        if (f.tenant || isRemote(mem))
          return mem.usage({ scope: f.tenant ? { tenant: f.tenant } : {}, month });
        // Every tenant: the operator's view of the store itself (a server shows its key's tenant).
        const { usageReport } = await import('../usage-report/usage-report-service.js');
        return usageReport({ db: (mem as LocalMemory).db, clock: systemClock }, { month, tenant: null });
      });
      if (f.csv) {
        const { usageCsv } = await import('../usage-report/usage-report-csv.js');
        process.stdout.write(usageCsv(report));
      } else if (f.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else process.stdout.write(`${readable(report).join('\n')}\n`);
    });
}
