import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { RouteRegistrar } from '../../src/server/server-types.js';
import { describeBackends } from '../support/backends.js';
import { startServer, type TestServer } from './server-helpers.js';

/** A route that reports spent tokens, as LLM-backed routes will. */
const spender: RouteRegistrar = (app) => {
  app.post('/v1/test/spend', (c) => {
    c.set('usageTokens', 42);
    c.set('usageCost', 0.5);
    return c.json({ ok: true });
  });
};

describeBackends('http limits and usage', (ctx) => {
  let t: TestServer;
  before(async () => {
    t = await startServer(ctx.db(), { config: { bodyLimit: 1024, routes: [spender] } });
  });
  after(() => t.close());

  it('answers 429 rate_limited with Retry-After once a key spends its per-minute limit', async () => {
    const key = await t.key({ rateLimitPerMinute: 3 });
    for (let i = 0; i < 3; i++) assert.equal((await t.call('/v1/whoami', { key })).status, 200);
    const r = await t.call('/v1/whoami', { key });
    assert.equal(r.status, 429);
    assert.equal(r.body.error.code, 'rate_limited');
    assert.match(r.body.error.message, /3 requests per minute/);
    assert.equal(r.headers.get('retry-after'), '60');
    t.clock.advance(20_000);
    assert.equal((await t.call('/v1/whoami', { key })).headers.get('retry-after'), '40');
    t.clock.advance(40_001);
    assert.equal((await t.call('/v1/whoami', { key })).status, 200);
    // Another key has its own window.
    assert.equal((await t.call('/v1/whoami', { key: await t.key({ rateLimitPerMinute: 3 }) })).status, 200);
  });

  it('answers 429 once the monthly quota is used, with Retry-After until the month ends', async () => {
    t.clock.set(new Date('2026-05-31T23:59:00Z'));
    const key = await t.key({ monthlyQuota: 2 });
    assert.equal((await t.call('/v1/whoami', { key })).status, 200);
    assert.equal((await t.call('/v1/whoami', { key })).status, 200);
    const r = await t.call('/v1/whoami', { key });
    assert.equal(r.status, 429);
    assert.equal(r.body.error.code, 'rate_limited');
    assert.match(r.body.error.message, /monthly quota of 2/);
    assert.equal(r.headers.get('retry-after'), '60');
    t.clock.set(new Date('2026-06-01T00:00:01Z'));
    assert.equal((await t.call('/v1/whoami', { key })).status, 200);
  });

  it('counts the quota from usage_events, so it holds across server instances', async () => {
    t.clock.set(new Date('2026-07-10T00:00:00Z'));
    const key = await t.key({ monthlyQuota: 3 });
    for (let i = 0; i < 2; i++) assert.equal((await t.call('/v1/whoami', { key })).status, 200);
    await t.server.flushUsage(); // what the first instance's timer does every usageFlushMs
    const second = await startServer(ctx.db(), { serve: { keys: t.keys } });
    second.clock.set(new Date('2026-07-10T00:00:00Z'));
    try {
      assert.equal((await second.call('/v1/whoami', { key })).status, 200);
      assert.equal((await second.call('/v1/whoami', { key })).status, 429);
    } finally {
      await second.close();
    }
  });

  it('answers 413 payload_too_large for a body over the limit, by length or streamed', async () => {
    const key = await t.key();
    const big = JSON.stringify({ name: 'x'.repeat(2000) });
    const r = await t.call('/v1/test/spend', {
      key,
      method: 'POST',
      body: big,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(r.status, 413);
    assert.equal(r.body.error.code, 'payload_too_large');
    assert.match(r.body.error.message, /1024 bytes/);

    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 4; i++) c.enqueue(new TextEncoder().encode('x'.repeat(400)));
        c.close();
      },
    });
    const res = await fetch(`${t.server.url}/v1/test/spend`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    assert.equal(res.status, 413);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'payload_too_large');
    const small = await t.call('/v1/test/spend', { key, method: 'POST', json: { name: 'ok' } });
    assert.equal(small.status, 200);
  });

  it('records one usage event per request with route pattern, status, latency and tokens', async () => {
    t.clock.set(new Date('2026-08-01T00:00:00Z'));
    const { key, record } = await t.keys.create({ tenant: 'metered', scopes: ['read', 'write'] });
    await t.call('/v1/whoami', { key });
    await t.call('/v1/test/spend', { key, method: 'POST', json: {} });
    await t.call('/v1/keys', { key }); // 403: still recorded
    await t.call('/v1/nowhere', { key }); // 404
    await t.call('/v1/whoami'); // no key: 401, no tenant to charge
    await t.server.close();
    const { rows } = await ctx.db().query<Record<string, unknown>>(
      `select tenant_id, key_id, endpoint, method, status, latency_ms, tokens, cost, created_at
       from usage_events where tenant_id = 'metered' order by id`,
    );
    assert.deepEqual(
      rows.map((r) => [r.tenant_id, r.key_id, r.endpoint, r.method, r.status, r.tokens, r.cost]),
      [
        ['metered', record.id, '/v1/whoami', 'GET', 200, 0, 0],
        ['metered', record.id, '/v1/test/spend', 'POST', 200, 42, 0.5],
        ['metered', record.id, '/v1/keys', 'GET', 403, 0, 0],
        ['metered', record.id, '(no route)', 'GET', 404, 0, 0],
      ],
    );
    assert.ok(rows.every((r) => typeof r.latency_ms === 'number' && r.latency_ms >= 0));
    assert.equal((rows[0].created_at as Date).toISOString(), '2026-08-01T00:00:00.000Z');
  });
});
