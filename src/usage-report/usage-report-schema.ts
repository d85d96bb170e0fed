/**
 * Input and output of the usage and billing report: what each tenant's API keys did in
 * one calendar month (UTC), from `usage_events` (every served `/v1` request) and the
 * keys' monthly quotas in `api_keys`.
 */
import { z } from 'zod';
import { dateOut, idOut } from '../records.js';
import { scopeSchema } from '../scope.js';

/**
 * A calendar month, `YYYY-MM` (months 01 to 12).
 *
 * @example
 * parse(monthSchema, '2026-11'); // ok
 * parse(monthSchema, '2026-13'); // throws invalid_input
 */
export const monthSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month written YYYY-MM, such as 2026-11');

/**
 * Input of the usage report: the scope (its tenant: whose usage; over HTTP the key's) and
 * the month (default: the current month, UTC).
 *
 * @example
 * parse(usageReportSchema, { scope: { tenant: 'acme' }, month: '2026-11' });
 */
export const usageReportSchema = z.strictObject({
  scope: scopeSchema,
  month: monthSchema
    .optional()
    .describe('the calendar month, UTC, written YYYY-MM (default: the current month)'),
});

/**
 * Input of the usage report.
 *
 * @example
 * const input: UsageReportInput = { month: '2026-11' };
 */
export type UsageReportInput = z.input<typeof usageReportSchema>;

const count = z.number().int();

/** Latency percentiles of a group of requests, in milliseconds (continuous, interpolated). */
const latencySchema = z
  .object({ p50: z.number(), p95: z.number(), p99: z.number() })
  .describe('latency percentiles in ms (percentile_cont: interpolated between the two nearest requests)');

/** Figures every level of the report shares. */
const figures = {
  requests: count.describe('requests answered, whatever their status'),
  refused: count.describe(
    'requests answered 429: the per-minute rate limit or the monthly quota refused them',
  ),
  tokens: count.describe('LLM tokens the requests spent'),
  cost: z.number().describe('LLM cost the requests spent, in the unit the LLM prices are given in'),
  latencyMs: latencySchema,
};

/** One (endpoint, method, status) of a key. */
const endpointSchema = z.object({
  endpoint: z.string().describe('the route pattern (`/v1/facts/{id}` is served as `/v1/facts/:id`)'),
  method: z.string(),
  status: count,
  statusClass: z.string().describe('`2xx`, `4xx`, `5xx`'),
  ...figures,
});

/** One key of a tenant, with its quota. */
const keySchema = z.object({
  keyId: idOut
    .nullable()
    .describe(
      'null: requests without an API key (open mode, or the local admin token of `mnemo serve` that commands on its folder use)',
    ),
  prefix: z.string().nullable().describe('the key prefix people see (`mnemo_ab12cd34`); null if unknown'),
  name: z.string().nullable(),
  monthlyQuota: count.nullable().describe("the key's monthly quota today (null: unlimited)"),
  quotaUsed: count.describe('requests counted toward the quota: every request not answered 429'),
  overage: count.describe('requests counted past the quota: quotaUsed - monthlyQuota, at least 0'),
  ...figures,
  byStatus: z.array(z.object({ status: count, statusClass: z.string(), requests: count })),
  endpoints: z.array(endpointSchema),
});

/** One tenant of the report. */
const tenantSchema = z.object({
  tenant: z.string(),
  ...figures,
  quotaUsed: count,
  overage: count,
  days: z
    .array(
      z.object({
        day: z.string().describe('UTC day, YYYY-MM-DD'),
        requests: count,
        refused: count,
        latencyMs: latencySchema,
      }),
    )
    .describe('requests, refusals and latency per UTC day of the month, days without requests left out'),
  keys: z.array(keySchema),
});

/**
 * The usage report of a month: per tenant, per key, per (endpoint, method, status).
 *
 * @example
 * const r: UsageReport = await mem.usage({ month: '2026-11' });
 * r.tenants[0]?.keys[0]?.overage;
 */
export const usageReportOutputSchema = z
  .object({
    month: z.string().describe('YYYY-MM'),
    from: dateOut.describe('the first instant of the month, UTC (included)'),
    to: dateOut.describe('the first instant of the next month, UTC (excluded)'),
    at: dateOut.describe('when the report was made (a report of the current month is partial)'),
    tenants: z.array(tenantSchema).describe('tenants with any request in the month, in name order'),
  })
  .meta({ id: 'UsageReport' });

/**
 * The usage report of a month.
 *
 * @example
 * const { tenants }: UsageReport = await mem.usage({ month: '2026-11' });
 */
export type UsageReport = z.output<typeof usageReportOutputSchema>;

/**
 * One key of a usage report.
 *
 * @example
 * const k: UsageKey = report.tenants[0].keys[0];
 */
export type UsageKey = UsageReport['tenants'][number]['keys'][number];
