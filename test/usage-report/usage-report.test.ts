/**
 * The usage report on both backends, one store each. November 2026 written through the
 * real usage recorder: exact counts, percentiles of known latencies, quota used and
 * overage, the UTC month boundaries, the tenant filter, the CSV, bad input refused. Then
 * `GET /v1/usage` over a real socket in May 2026 (the test server's clock): admin keys
 * only (401 without a key, 403 for a read key or another tenant), the key's own tenant,
 * a quota of 3 met by 5 requests (3 served, 2 refused, no overage), a bad month a typed
 * 400, and the remote client's `usage` decoding the same report.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { createRemoteMemory } from '../../src/client/remote-memory.js';
import { fixedClock } from '../../src/clock.js';
import { USAGE_CSV_COLUMNS, usageCsv } from '../../src/usage-report/usage-report-csv.js';
import type { UsageReport } from '../../src/usage-report/usage-report-schema.js';
import { createUsageReport, monthRange, usageReport } from '../../src/usage-report/usage-report-service.js';
import { startServer, type TestServer } from '../server/server-helpers.js';
import { describeBackends } from '../support/backends.js';
import { parseCsv } from './csv.js';
import { type UsageFixture, writeUsage } from './usage-fixture.js';

describeBackends('usage report', (ctx) => {
  const clock = fixedClock(new Date('2026-12-08T00:00:00Z'));
  let f: UsageFixture;
  let nov: UsageReport;
  let t: TestServer;
  before(async () => {
    f = await writeUsage(ctx.db());
    nov = await usageReport({ db: ctx.db(), clock }, { month: '2026-11', tenant: null });
    t = await startServer(ctx.db());
  });
  after(() => t.close());

  it('gives exact figures per tenant, key, endpoint and status, with quota used and overage', () => {
    assert.equal(nov.month, '2026-11');
    assert.equal(nov.from.toISOString(), '2026-11-01T00:00:00.000Z');
    assert.equal(nov.to.toISOString(), '2026-12-01T00:00:00.000Z');
    assert.deepEqual(
      nov.tenants.map((t) => [t.tenant, t.requests, t.refused, t.quotaUsed, t.overage, t.tokens, t.cost]),
      [
        ['acme', 17, 2, 15, 10, 200, 0.5],
        ['globex', 1, 0, 1, 0, 0, 0],
      ],
    );
    const acme = nov.tenants[0];
    assert.ok(acme);
    // 1, 1, 2, 3, 7, 10, 20, ..., 100, 200, 200: the 9th of 17 is 40.
    assert.deepEqual(acme.latencyMs, { p50: 40, p95: 200, p99: 200 });
    const metered = acme.keys.find((k) => k.keyId === f.metered.id);
    assert.ok(metered);
    assert.deepEqual(
      {
        prefix: metered.prefix,
        name: metered.name,
        monthlyQuota: metered.monthlyQuota,
        requests: metered.requests,
        refused: metered.refused,
        quotaUsed: metered.quotaUsed,
        overage: metered.overage,
        tokens: metered.tokens,
        cost: metered.cost,
      },
      {
        prefix: f.metered.prefix,
        name: 'billing, "metered"',
        monthlyQuota: 3,
        requests: 15,
        refused: 2,
        // 13 requests counted toward a quota of 3 (as a second server instance would let through).
        quotaUsed: 13,
        overage: 10,
        tokens: 200,
        cost: 0.5,
      },
    );
    assert.deepEqual(metered.latencyMs, { p50: 50, p95: 200, p99: 200 });
    assert.deepEqual(metered.byStatus, [
      { status: 200, statusClass: '2xx', requests: 12 },
      { status: 404, statusClass: '4xx', requests: 1 },
      { status: 429, statusClass: '4xx', requests: 2 },
    ]);
    assert.deepEqual(
      metered.endpoints.map((e) => [e.method, e.endpoint, e.status, e.requests, e.refused, e.tokens, e.cost]),
      [
        ['GET', '/v1/facts', 200, 10, 0, 0, 0],
        ['GET', '/v1/facts', 429, 2, 2, 0, 0],
        ['GET', '/v1/facts/:id', 404, 1, 0, 0, 0],
        ['POST', '/v1/remember', 200, 2, 0, 200, 0.5],
      ],
    );
    // Latencies 10, 20, ..., 100 ms, interpolated: p50 55, p95 95.5, p99 99.1.
    assert.deepEqual(metered.endpoints[0]?.latencyMs, { p50: 55, p95: 95.5, p99: 99.1 });
    const free = acme.keys.find((k) => k.keyId === f.free.id);
    assert.deepEqual([free?.monthlyQuota, free?.requests, free?.overage], [null, 1, 0]);
    const unkeyed = acme.keys.find((k) => k.keyId === null);
    assert.deepEqual(
      [unkeyed?.prefix, unkeyed?.requests, unkeyed?.endpoints.map((e) => e.endpoint)],
      [null, 1, ['/v1/whoami']],
    );
  });

  it('gives requests, refusals and latency per UTC day, oldest first, within the month only', () => {
    const acme = nov.tenants[0];
    assert.ok(acme);
    const days = acme.days.map((d) => d.day);
    assert.equal(days[0], '2026-11-01', 'the first instant of November is its first day');
    assert.equal(days.at(-1), '2026-11-30', 'the last millisecond of November is its last day');
    assert.deepEqual([...days].sort(), days, 'oldest first');
    assert.equal(
      acme.days.reduce((n, d) => n + d.requests, 0),
      acme.requests,
      'the days add up to the month',
    );
    const d22 = acme.days.find((d) => d.day === '2026-11-22');
    assert.deepEqual(d22, {
      day: '2026-11-22',
      requests: 2,
      refused: 2,
      latencyMs: { p50: 1, p95: 1, p99: 1 },
    });
    assert.deepEqual(
      nov.tenants[1]?.days.map((d) => [d.day, d.requests]),
      [['2026-11-06', 1]],
    );
  });

  it('counts a request in the UTC month it was made in, to the millisecond', async () => {
    const oct = await usageReport({ db: ctx.db(), clock }, { month: '2026-10', tenant: null });
    const dec = await usageReport({ db: ctx.db(), clock }, { month: '2026-12', tenant: null });
    for (const r of [oct, dec]) {
      assert.deepEqual(
        r.tenants.map((t) => [t.tenant, t.requests, t.latencyMs.p50]),
        [['acme', 1, 1000]],
      );
    }
    assert.deepEqual(monthRange('2026-12').to, new Date('2027-01-01T00:00:00Z'));
    const empty = await usageReport({ db: ctx.db(), clock }, { month: '2027-01', tenant: null });
    assert.deepEqual(empty.tenants, []);
  });

  it("filters by tenant: the scope's tenant, and the current month by default", async () => {
    const usage = createUsageReport({ db: ctx.db(), clock });
    const globex = await usage({ scope: { tenant: 'globex' }, month: '2026-11' });
    assert.deepEqual(
      globex.tenants.map((t) => [t.tenant, t.keys.map((k) => k.keyId)]),
      [['globex', [f.other.id]]],
    );
    clock.set(new Date('2026-11-30T23:59:59.999Z'));
    const current = await usage({ scope: { tenant: 'acme' } });
    assert.equal(current.month, '2026-11');
    assert.equal(current.tenants[0]?.requests, 17);
    clock.set(new Date('2026-12-01T00:00:00Z'));
    assert.equal((await usage({ scope: { tenant: 'acme' } })).month, '2026-12');
  });

  it('writes CSV that parses back to the report, header first, columns in their fixed order', () => {
    const rows = parseCsv(usageCsv(nov));
    assert.deepEqual(rows[0], [...USAGE_CSV_COLUMNS]);
    const body = rows.slice(1).map((r) => Object.fromEntries(USAGE_CSV_COLUMNS.map((c, i) => [c, r[i]])));
    assert.equal(body.length, 7);
    assert.equal(
      body.reduce((n, r) => n + Number(r.requests), 0),
      18,
    );
    const post = body.find((r) => r.endpoint === '/v1/remember');
    assert.deepEqual(post, {
      month: '2026-11',
      tenant: 'acme',
      key_id: f.metered.id,
      key_prefix: f.metered.prefix,
      key_name: 'billing, "metered"',
      endpoint: '/v1/remember',
      method: 'POST',
      status: '200',
      status_class: '2xx',
      requests: '2',
      refused: '0',
      tokens: '200',
      cost: '0.5',
      latency_p50_ms: '200',
      latency_p95_ms: '200',
      latency_p99_ms: '200',
      key_monthly_quota: '3',
      key_quota_used: '13',
      key_overage: '10',
    });
    const unkeyed = body.find((r) => r.endpoint === '/v1/whoami');
    assert.deepEqual([unkeyed?.key_id, unkeyed?.key_prefix, unkeyed?.key_monthly_quota], ['', '', '']);
  });

  it('refuses a bad month with invalid_input naming the field, and leaves the store as it was', async () => {
    const usage = createUsageReport({ db: ctx.db(), clock });
    for (const month of ['2026-13', 'nov', '2026-1', '2026-00', '']) {
      await assert.rejects(usage({ month }), (e: Error & { code?: string; field?: string }) => {
        assert.equal(e.code, 'invalid_input', month);
        assert.equal(e.field, 'month');
        assert.match(e.message, /^"month": must be a month written YYYY-MM, such as 2026-11$/);
        return true;
      });
    }
    await assert.rejects(usage({ month: '2026-11', tenant: 'x' } as never), /"tenant": /);
    const { rows } = await ctx.db().query<{ n: number }>('select count(*)::int as n from usage_events');
    assert.equal(rows[0]?.n, 20);
  });

  it("answers an admin key with its tenant's month, counting a quota as the server enforced it", async () => {
    const metered = await t.keys.create({ tenant: 'acme', scopes: ['read'], monthlyQuota: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await t.call('/v1/whoami', { key: metered.key })).status);
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    await t.call('/v1/whoami', { key: await t.key({ tenant: 'globex' }) });
    const reader = await t.key({ tenant: 'acme', scopes: ['read'] });
    const admin = await t.key({ tenant: 'acme', scopes: ['admin'] });

    assert.equal((await t.call('/v1/usage')).status, 401);
    const refused = await t.call('/v1/usage', { key: reader });
    assert.equal(refused.status, 403);
    assert.match(refused.body.error.message, /"admin" scope/);
    assert.equal((await t.call('/v1/usage?tenant=globex', { key: admin })).status, 403);
    for (const month of ['2026-13', 'nov']) {
      const bad = await t.call(`/v1/usage?month=${month}`, { key: admin });
      assert.equal(bad.status, 400, bad.text);
      assert.equal(bad.body.error.code, 'invalid_input');
      assert.equal(bad.body.error.field, 'month');
    }
    assert.equal((await t.call('/v1/usage?month=2026-05&user=u', { key: admin })).status, 400);

    await t.server.flushUsage();
    // The server stamps events with its fixed clock (2026-05-08); the memory's clock is the
    // system's, so the month is named (the default month is proven in usage-report-api).
    const ok = await t.call('/v1/usage?month=2026-05', { key: admin });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.month, '2026-05');
    assert.deepEqual(
      ok.body.tenants.map((x: { tenant: string }) => x.tenant),
      ['acme'],
    );
    const key = ok.body.tenants[0].keys.find((k: { keyId: string }) => k.keyId === metered.record.id);
    assert.deepEqual(
      [key.prefix, key.monthlyQuota, key.requests, key.refused, key.quotaUsed, key.overage],
      [metered.record.prefix, 3, 5, 2, 3, 0],
    );
    assert.deepEqual(
      key.byStatus.map((s: { status: number; requests: number }) => [s.status, s.requests]),
      [
        [200, 3],
        [429, 2],
      ],
    );
    assert.ok(key.latencyMs.p50 >= 0 && key.latencyMs.p99 >= key.latencyMs.p50);
    // The admin key's own refused and bad requests are in the report too (403 and 400s).
    const own = ok.body.tenants[0].keys.find(
      (k: { keyId: string; requests: number }) => k.keyId !== metered.record.id && k.requests > 1,
    );
    assert.deepEqual(
      own.byStatus.map((s: { status: number }) => s.status),
      [400, 403],
    );

    const remote = createRemoteMemory({ url: t.server.url, apiKey: admin });
    try {
      await t.server.flushUsage(); // the GET /v1/usage above is now counted too
      const r = await remote.usage({ month: '2026-05' });
      assert.ok(r.from instanceof Date && r.from.toISOString() === '2026-05-01T00:00:00.000Z');
      assert.equal(r.tenants[0]?.requests, ok.body.tenants[0].requests + 1);
      assert.deepEqual((await remote.usage({ month: '2026-04' })).tenants, []);
    } finally {
      await remote.close();
    }
  });
});
