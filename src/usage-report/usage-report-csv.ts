/**
 * The usage report as CSV for a billing system: one row per (tenant, key, endpoint,
 * method, status), a header row, columns in a fixed order (docs/operations.md, "Usage
 * and billing").
 */
import type { UsageReport } from './usage-report-schema.js';

/**
 * The columns, in order. The `key_` columns after `latency_p99_ms` are the key's for the
 * whole month, repeated on each of its rows: sum them per key, not per row.
 *
 * @example
 * USAGE_CSV_COLUMNS[0] // => 'month'
 */
export const USAGE_CSV_COLUMNS = [
  'month',
  'tenant',
  'key_id',
  'key_prefix',
  'key_name',
  'endpoint',
  'method',
  'status',
  'status_class',
  'requests',
  'refused',
  'tokens',
  'cost',
  'latency_p50_ms',
  'latency_p95_ms',
  'latency_p99_ms',
  'key_monthly_quota',
  'key_quota_used',
  'key_overage',
] as const;

/** One field, quoted as RFC 4180 says when it holds a comma, a quote or a line break. */
function field(v: string | number | null): string {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The report as CSV text: the header, then a row per (tenant, key, endpoint, method,
 * status) in the report's order; empty fields for null (no key, no quota). Ends with a
 * line break.
 *
 * @example
 * process.stdout.write(usageCsv(await mem.usage({ month: '2026-11' })));
 */
export function usageCsv(r: UsageReport): string {
  const lines = [USAGE_CSV_COLUMNS.join(',')];
  for (const t of r.tenants)
    for (const k of t.keys)
      for (const e of k.endpoints)
        lines.push(
          [
            r.month,
            t.tenant,
            k.keyId,
            k.prefix,
            k.name,
            e.endpoint,
            e.method,
            e.status,
            e.statusClass,
            e.requests,
            e.refused,
            e.tokens,
            e.cost,
            e.latencyMs.p50,
            e.latencyMs.p95,
            e.latencyMs.p99,
            k.monthlyQuota,
            k.quotaUsed,
            k.overage,
          ]
            .map(field)
            .join(','),
        );
  return `${lines.join('\n')}\n`;
}
