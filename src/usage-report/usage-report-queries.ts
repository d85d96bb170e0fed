/**
 * The statements of the usage report, one function each: the month's requests grouped
 * three ways in one pass over `usage_events`, and the keys those requests came with.
 */
import type { Db } from '../db/db.js';

/**
 * Latency percentiles of a group, in ms.
 *
 * @example
 * const l: Latency = { p50: 55, p95: 95.5, p99: 99.1 };
 */
export interface Latency {
  p50: number;
  p95: number;
  p99: number;
}

/**
 * The figures of one group of requests.
 *
 * @example
 * const f: UsageFigures = { requests: 12, refused: 2, tokens: 0, cost: 0, latencyMs: { p50: 5, p95: 9, p99: 9 } };
 */
export interface UsageFigures {
  requests: number;
  refused: number;
  tokens: number;
  cost: number;
  latencyMs: Latency;
}

/**
 * One group of a month's requests: a tenant (`level` 'tenant'), one of its keys
 * ('key'), or one (endpoint, method, status) of a key ('endpoint').
 *
 * @example
 * const g: UsageGroup = { level: 'key', tenant: 'acme', keyId, endpoint: null, method: null, status: null, ...figures };
 */
export interface UsageGroup extends UsageFigures {
  level: 'tenant' | 'key' | 'endpoint';
  tenant: string;
  keyId: string | null;
  endpoint: string | null;
  method: string | null;
  status: number | null;
}

interface GroupRow {
  tenant_id: string;
  key_id: string | null;
  endpoint: string | null;
  method: string | null;
  status: number | null;
  level: number;
  requests: number;
  refused: number;
  tokens: string;
  cost: number;
  p50: number;
  p95: number;
  p99: number;
}

/** Milliseconds to the microsecond: percentile_cont's interpolation leaves float noise. */
const ms = (x: number) => Math.round(Number(x) * 1000) / 1000;

/** `grouping(key_id, endpoint, method, status)`: 0 on the finest set, 7 per key, 15 per tenant. */
const LEVELS: Record<number, UsageGroup['level']> = { 0: 'endpoint', 7: 'key', 15: 'tenant' };

/**
 * The requests of [from, to) grouped per tenant, per (tenant, key) and per (tenant,
 * key, endpoint, method, status), of one tenant or (null) of all.
 *
 * @example
 * await usageGroups(db, { from, to, tenant: 'acme' }); // => [{ level: 'tenant', tenant: 'acme', requests: 12, ... }, ...]
 */
export async function usageGroups(
  db: Db,
  q: { from: Date; to: Date; tenant: string | null },
): Promise<UsageGroup[]> {
  // Grouping sets give the three levels in one scan; percentiles cannot be summed from
  // finer groups, so each level computes its own. grouping() tells a level's rolled-up
  // columns (null) from a real null (key_id of a request without an API key). The order
  // puts each tenant's row first, then each key's row before its endpoints; text sorts
  // byte-wise (collate "C") so the rows come in the same order on every server's locale.
  const { rows } = await db.query<GroupRow>(
    `select tenant_id, key_id::text as key_id, endpoint, method, status,
       grouping(key_id, endpoint, method, status)::int as level,
       count(*)::int as requests,
       (count(*) filter (where status = 429))::int as refused,
       coalesce(sum(tokens), 0)::bigint::text as tokens,
       coalesce(sum(cost), 0)::float8 as cost,
       percentile_cont(0.5) within group (order by latency_ms) as p50,
       percentile_cont(0.95) within group (order by latency_ms) as p95,
       percentile_cont(0.99) within group (order by latency_ms) as p99
     from usage_events
     where created_at >= $1 and created_at < $2 and ($3::text is null or tenant_id = $3::text)
     group by grouping sets ((tenant_id, key_id, endpoint, method, status), (tenant_id, key_id), (tenant_id))
     order by tenant_id collate "C", grouping(key_id) desc, key_id, grouping(endpoint) desc,
       endpoint collate "C", method collate "C", status`,
    [q.from, q.to, q.tenant],
  );
  return rows.map((r) => ({
    level: LEVELS[r.level] ?? 'endpoint',
    tenant: r.tenant_id,
    keyId: r.key_id,
    endpoint: r.endpoint,
    method: r.method,
    status: r.status,
    requests: r.requests,
    refused: r.refused,
    tokens: Number(r.tokens),
    cost: Number(r.cost),
    latencyMs: { p50: ms(r.p50), p95: ms(r.p95), p99: ms(r.p99) },
  }));
}

/**
 * What the report shows of a key.
 *
 * @example
 * const k: KeyFacts = { prefix: 'mnemo_3f9a1c0b', name: 'ci', monthlyQuota: null };
 */
export interface KeyFacts {
  prefix: string;
  name: string;
  monthlyQuota: number | null;
}

/**
 * The prefix, name and monthly quota (today's) of the given keys, revoked ones included;
 * a key deleted since is absent.
 *
 * @example
 * (await keyFacts(db, [id])).get(id) // => { prefix: 'mnemo_ab12cd34', name: 'ci', monthlyQuota: 1000 }
 */
export async function keyFacts(db: Db, ids: string[]): Promise<Map<string, KeyFacts>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<{
    id: string;
    key_prefix: string;
    name: string;
    monthly_quota: number | null;
  }>(`select id::text as id, key_prefix, name, monthly_quota from api_keys where id = any($1::uuid[])`, [
    ids,
  ]);
  return new Map(
    rows.map((r) => [r.id, { prefix: r.key_prefix, name: r.name, monthlyQuota: r.monthly_quota }]),
  );
}

/**
 * One UTC day of a tenant's requests.
 *
 * @example
 * const d: UsageDay = { tenant: 'acme', day: '2026-11-02', requests: 3, refused: 0, latencyMs: { p50: 4, p95: 9, p99: 9 } };
 */
export interface UsageDay {
  tenant: string;
  day: string;
  requests: number;
  refused: number;
  latencyMs: Latency;
}

/**
 * The requests of [from, to) per tenant and UTC day, oldest first.
 *
 * @example
 * await usageDays(db, { from, to, tenant: 'acme' }); // => [{ tenant: 'acme', day: '2026-11-02', requests: 3, ... }]
 */
export async function usageDays(
  db: Db,
  q: { from: Date; to: Date; tenant: string | null },
): Promise<UsageDay[]> {
  const { rows } = await db.query<{
    tenant_id: string;
    day: string;
    requests: number;
    refused: number;
    p50: number;
    p95: number;
    p99: number;
  }>(
    `select tenant_id, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD') as day,
       count(*)::int as requests,
       (count(*) filter (where status = 429))::int as refused,
       percentile_cont(0.5) within group (order by latency_ms) as p50,
       percentile_cont(0.95) within group (order by latency_ms) as p95,
       percentile_cont(0.99) within group (order by latency_ms) as p99
     from usage_events
     where created_at >= $1 and created_at < $2 and ($3::text is null or tenant_id = $3::text)
     group by tenant_id, day
     order by tenant_id collate "C", day`,
    [q.from, q.to, q.tenant],
  );
  return rows.map((r) => ({
    tenant: r.tenant_id,
    day: r.day,
    requests: r.requests,
    refused: r.refused,
    latencyMs: { p50: ms(r.p50), p95: ms(r.p95), p99: ms(r.p99) },
  }));
}
