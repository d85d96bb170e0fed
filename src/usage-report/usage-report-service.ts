/**
 * The usage and billing report: per tenant and key, a month's requests by endpoint,
 * method and status, latency percentiles, tokens and LLM cost, the key's monthly quota,
 * what counted toward it and the overage.
 */
import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { resolveScope } from '../scope.js';
import { parse } from '../validation.js';
import { keyFacts, type UsageGroup, usageDays, usageGroups } from './usage-report-queries.js';
import {
  monthSchema,
  type UsageKey,
  type UsageReport,
  type UsageReportInput,
  usageReportSchema,
} from './usage-report-schema.js';

/**
 * The month a date falls in, UTC, as `YYYY-MM`.
 *
 * @example
 * monthOf(new Date('2026-11-30T23:59:59Z')) // => '2026-11'
 */
export function monthOf(d: Date): string {
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/**
 * The instants a month spans, UTC: `from` included, `to` (the next month's first) excluded.
 *
 * @example
 * monthRange('2026-12') // => { from: 2026-12-01T00:00:00Z, to: 2027-01-01T00:00:00Z }
 */
export function monthRange(month: string): { from: Date; to: Date } {
  const [y, m] = parse(monthSchema, month, 'month').split('-').map(Number) as [number, number];
  return { from: new Date(Date.UTC(y, m - 1, 1)), to: new Date(Date.UTC(y, m, 1)) };
}

const statusClass = (s: number) => `${Math.floor(s / 100)}xx`;
const figuresOf = (g: UsageGroup) => ({
  requests: g.requests,
  refused: g.refused,
  tokens: g.tokens,
  cost: g.cost,
  latencyMs: g.latencyMs,
});

/**
 * The report of a month over one tenant, or over every tenant (`tenant: null`: the
 * operator's view on the store itself; a request sees its key's tenant only).
 *
 * @example
 * await usageReport({ db, clock }, { month: '2026-11', tenant: null }); // every tenant
 */
export async function usageReport(
  deps: { db: Db; clock: Clock },
  q: { month?: string; tenant: string | null },
): Promise<UsageReport> {
  const at = deps.clock.now();
  const month = q.month ?? monthOf(at);
  const { from, to } = monthRange(month);
  // One statement at a time: on a server they share the request's transaction.
  const groups = await usageGroups(deps.db, { from, to, tenant: q.tenant });
  const ids = [...new Set(groups.flatMap((g) => (g.keyId ? [g.keyId] : [])))];
  const facts = await keyFacts(deps.db, ids);
  const days = await usageDays(deps.db, { from, to, tenant: q.tenant });
  const tenants: UsageReport['tenants'] = [];
  for (const g of groups) {
    if (g.level === 'tenant') {
      tenants.push({
        tenant: g.tenant,
        ...figuresOf(g),
        quotaUsed: 0,
        overage: 0,
        days: days.filter((d) => d.tenant === g.tenant).map(({ tenant: _, ...d }) => d),
        keys: [],
      });
      continue;
    }
    const tenant = tenants[tenants.length - 1];
    if (!tenant) continue; // never: the statement orders each tenant's own row first
    if (g.level === 'key') {
      const f = g.keyId ? facts.get(g.keyId) : undefined;
      const monthlyQuota = f?.monthlyQuota ?? null;
      // What the rate limiter counts toward the quota (src/server/rate-limit.ts): every
      // request it did not refuse.
      const quotaUsed = g.requests - g.refused;
      const overage = monthlyQuota === null ? 0 : Math.max(0, quotaUsed - monthlyQuota);
      tenant.quotaUsed += quotaUsed;
      tenant.overage += overage;
      tenant.keys.push({
        keyId: g.keyId,
        prefix: f?.prefix ?? null,
        name: f?.name ?? null,
        monthlyQuota,
        quotaUsed,
        overage,
        ...figuresOf(g),
        byStatus: [],
        endpoints: [],
      });
      continue;
    }
    const key = tenant.keys.find((k) => k.keyId === g.keyId) as UsageKey;
    const status = g.status as number;
    key.endpoints.push({
      endpoint: g.endpoint as string,
      method: g.method as string,
      status,
      statusClass: statusClass(status),
      ...figuresOf(g),
    });
    const s = key.byStatus.find((x) => x.status === status);
    if (s) s.requests += g.requests;
    else key.byStatus.push({ status, statusClass: statusClass(status), requests: g.requests });
  }
  for (const t of tenants) for (const k of t.keys) k.byStatus.sort((a, b) => a.status - b.status);
  return { month, from, to, at, tenants };
}

/**
 * Builds `usage`: the report of the scope's tenant (over HTTP, the key's tenant).
 *
 * @example
 * const usage = createUsageReport({ db, clock });
 * const r = await usage({ scope: { tenant: 'acme' }, month: '2026-11' });
 */
export function createUsageReport(deps: {
  db: Db;
  clock: Clock;
}): (input?: UsageReportInput) => Promise<UsageReport> {
  return async (input = {}) => {
    const i = parse(usageReportSchema, input, 'usage input');
    return usageReport(deps, { month: i.month, tenant: resolveScope(i.scope).tenant });
  };
}
