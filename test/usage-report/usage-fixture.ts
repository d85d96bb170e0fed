/**
 * A month of usage written through the real usage recorder with fixed timestamps, around
 * the November 2026 boundaries, and the figures the report must give for it.
 */
import { fixedClock } from '../../src/clock.js';
import type { Db } from '../../src/db/db.js';
import { createKeys } from '../../src/keys/keys-service.js';
import { createUsageRecorder, type UsageEvent } from '../../src/server/usage.js';

/**
 * The keys the fixture made, by role.
 *
 * @example
 * const { metered } = await writeUsage(db); metered.prefix;
 */
export interface UsageFixture {
  /** acme, monthly quota 3. */
  metered: { id: string; prefix: string };
  /** acme, no quota. */
  free: { id: string; prefix: string };
  /** globex, no quota. */
  other: { id: string; prefix: string };
}

/**
 * Latencies 10, 20, ..., 100 ms: p50 55, p95 95.5, p99 99.1 (linear interpolation).
 *
 * @example
 * Math.max(...LATENCIES) // => 100
 */
export const LATENCIES = [70, 10, 100, 40, 20, 90, 30, 60, 80, 50];

/**
 * Writes the events: acme's metered key makes 10 GET /v1/facts (200), 2 POST /v1/remember
 * (200, 100 tokens and 0.25 each), 1 GET /v1/facts/:id (404) and 2 refused (429) in
 * November, plus one event a millisecond outside each end of the month; acme's free key
 * and an unkeyed request make one each; globex's key one.
 *
 * @example
 * const f = await writeUsage(db);
 */
export async function writeUsage(db: Db): Promise<UsageFixture> {
  const keys = createKeys({ db, clock: fixedClock(new Date('2026-10-01T00:00:00Z')) });
  const metered = (await keys.create({ tenant: 'acme', name: 'billing, "metered"', monthlyQuota: 3 })).record;
  const free = (await keys.create({ tenant: 'acme', name: 'free' })).record;
  const other = (await keys.create({ tenant: 'globex', name: 'g' })).record;
  const logger = { error: (m: string) => console.error(m), info: () => {} };
  const usage = createUsageRecorder({ db, logger, flushMs: 60_000, batchSize: 1000 });
  const ev = (e: Partial<Omit<UsageEvent, 'at'>> & { at: string }): UsageEvent => ({
    tenant: 'acme',
    keyId: metered.id,
    endpoint: '/v1/facts',
    method: 'GET',
    status: 200,
    latencyMs: 5,
    tokens: 0,
    cost: 0,
    ...e,
    at: new Date(e.at),
  });
  // The first and last instants of November, and one millisecond outside either end.
  usage.record(ev({ at: '2026-10-31T23:59:59.999Z', latencyMs: 1000 }));
  usage.record(ev({ at: '2026-12-01T00:00:00.000Z', latencyMs: 1000 }));
  for (const [i, latencyMs] of LATENCIES.entries()) {
    const at = i === 0 ? '2026-11-01T00:00:00.000Z' : `2026-11-${String(10 + i)}T08:00:00Z`;
    usage.record(ev({ at, latencyMs }));
  }
  for (const at of ['2026-11-20T10:00:00Z', '2026-11-30T23:59:59.999Z'])
    usage.record(
      ev({ at, endpoint: '/v1/remember', method: 'POST', tokens: 100, cost: 0.25, latencyMs: 200 }),
    );
  usage.record(ev({ at: '2026-11-21T00:00:00Z', endpoint: '/v1/facts/:id', status: 404, latencyMs: 2 }));
  usage.record(ev({ at: '2026-11-22T00:00:00Z', status: 429, latencyMs: 1 }));
  usage.record(ev({ at: '2026-11-22T00:00:01Z', status: 429, latencyMs: 1 }));
  usage.record(ev({ at: '2026-11-05T00:00:00Z', keyId: free.id, latencyMs: 7 }));
  usage.record(ev({ at: '2026-11-05T00:00:00Z', keyId: null, endpoint: '/v1/whoami', latencyMs: 3 }));
  usage.record(ev({ at: '2026-11-06T00:00:00Z', tenant: 'globex', keyId: other.id, latencyMs: 9 }));
  await usage.close();
  return {
    metered: { id: metered.id, prefix: metered.prefix },
    free: { id: free.id, prefix: free.prefix },
    other: { id: other.id, prefix: other.prefix },
  };
}
