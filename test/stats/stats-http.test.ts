/**
 * `GET /v1/stats` over a real socket on both backends: admin keys only, the key's tenant
 * only for rows; and, on PostgreSQL, connections and a long statement seen for real.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import pg from 'pg';
import { startServer, type TestServer } from '../server/server-helpers.js';
import { describeBackends } from '../support/backends.js';

describeBackends('stats over http', (ctx) => {
  let t: TestServer;
  before(async () => {
    t = await startServer(ctx.db());
  });
  after(() => t.close());

  it('refuses a read or write key (403) and answers an admin key with its own tenant', async () => {
    await t.memory.episodes.append({ scope: { tenant: 'acme', user: 'u' }, content: 'one' });
    await t.memory.episodes.append({ scope: { tenant: 'globex', user: 'u' }, content: 'two' });
    const reader = await t.key({ tenant: 'acme', scopes: ['read'] });
    const writer = await t.key({ tenant: 'acme', scopes: ['read', 'write'] });
    const admin = await t.key({ tenant: 'acme', scopes: ['admin'] });
    for (const key of [reader, writer]) {
      const r = await t.call('/v1/stats', { key });
      assert.equal(r.status, 403);
      assert.equal(r.body.error.code, 'forbidden');
      assert.match(r.body.error.message, /"admin" scope/);
    }
    const ok = await t.call('/v1/stats', { key: admin });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.tenant, 'acme');
    assert.equal(ok.body.rows.episode, 1);
    assert.ok(ok.body.database.sizeBytes > 0);
    // Another tenant's rows are not the key's to see.
    assert.equal((await t.call('/v1/stats?tenant=globex', { key: admin })).status, 403);
    const limited = await t.call(`/v1/stats?maxSizeBytes=${ok.body.database.sizeBytes}`, { key: admin });
    assert.equal(limited.status, 200);
    assert.deepEqual(
      limited.body.warnings.map((w: { threshold: string }) => w.threshold),
      ['store_size'],
    );
    const bad = await t.call('/v1/stats?maxSizeBytes=banana', { key: admin });
    assert.equal(bad.status, 400);
  });

  it('counts real connections and warns on a statement running over 5 s (PostgreSQL)', async (tc) => {
    const loc = ctx.location();
    if (loc.kind !== 'postgres') {
      tc.skip('PGlite is one connection: nothing else can run');
      return;
    }
    const admin = await t.key({ tenant: 'acme', scopes: ['admin'] });
    const before = (await t.call('/v1/stats', { key: admin })).body.database.connections.used as number;
    const clients = Array.from({ length: 3 }, () => new pg.Client({ connectionString: loc.url }));
    try {
      for (const c of clients) await c.connect();
      const during = await t.call('/v1/stats', { key: admin });
      assert.ok(during.body.database.connections.used >= before + 3, JSON.stringify(during.body.database));
      assert.deepEqual(during.body.warnings, []);
      // Long enough that a slow request on a loaded machine still sees it running; cancelled after.
      const sleeper = clients[0] as pg.Client;
      const pid = (await sleeper.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid;
      const sleeping = sleeper.query('select pg_sleep(60)').catch((e: Error) => e);
      await new Promise((r) => setTimeout(r, 5300));
      const slow = await t.call('/v1/stats', { key: admin });
      await clients[1]?.query('select pg_cancel_backend($1)', [pid]);
      assert.match(String(await sleeping), /canceling statement/);
      const w = slow.body.warnings.find((x: { threshold: string }) => x.threshold === 'running_statement');
      assert.ok(w, JSON.stringify(slow.body.warnings));
      assert.ok(w.value > 5000);
      assert.match(w.message, /running for \d+\.\d s \(alert over 5 s\)/);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });
});
