/**
 * `stats` through the memory API, in process and through a live server, on PGlite and
 * PostgreSQL: figures after known writes, figures the engine cannot give, thresholds.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeMemories } from '../support/memories.js';

let seq = 0;
const tenant = () => `st${++seq}`;

describeMemories('stats', (ctx) => {
  it('counts the rows, growth, backlog, tasks and cache hits of the tenant it is asked about', async () => {
    const mem = ctx.memory();
    const t = tenant();
    const scope = { tenant: t, user: 'alice' };
    for (let i = 0; i < 3; i++) await mem.episodes.append({ scope, content: `turn ${i}` });
    await mem.facts.assert({ scope, content: 'Alice prefers tea' });
    await mem.brain.set({ scope, key: 'identity.name', value: 'Alice' });
    await mem.decisions.record({ scope, context: 'which train', chosen: 'the TGV' });
    await mem.sessions.start({ scope });
    for (let i = 0; i < 3; i++) await mem.tasks.create({ scope, queue: 'crawl' });
    await mem.tasks.create({ scope, queue: 'mail' });
    const claimed = await mem.tasks.claim({ scope, queue: 'crawl', agent: 'w1' });
    assert.ok(claimed);
    await mem.tasks.complete({ scope, id: claimed.id, agent: 'w1' });
    await mem.tasks.claim({ scope, queue: 'crawl', agent: 'w1' });
    // Another tenant's rows are not counted.
    await mem.episodes.append({ scope: { tenant: tenant() }, content: 'elsewhere' });
    const compute = async () => ({ content: { ok: true }, cost: 0.02, latencyMs: 1000 });
    const key = { model: 'm', promptVersion: 1, input: 'x' };
    for (let i = 0; i < 3; i++) await ctx.local().cache.getOrCompute({ scope, key, compute });

    const r = await mem.stats({ scope: { tenant: t } });
    assert.equal(r.tenant, t);
    assert.equal(r.engine, ctx.backend);
    assert.deepEqual(r.rows, {
      episode: 3,
      fact: 1,
      brain: 1,
      decision: 1,
      session: 1,
      task: 4,
      conflict: 0,
      llmCache: 1,
    });
    const today = ctx.clock.now().toISOString().slice(0, 10);
    const day = r.growth.find((g) => g.day === today);
    assert.deepEqual(day, { day: today, episode: 3, fact: 1, brain: 1, decision: 1 });
    // No embedder in these memories: every row written waits for one.
    assert.deepEqual(r.embeddings.pending, { episode: 3, fact: 1, brain: 1, decision: 1 });
    assert.equal(r.embeddings.pendingTotal, 6);
    assert.equal(r.embeddings.rowsPerSecond, null);
    assert.deepEqual(r.tasks, [
      { queue: 'crawl', status: 'claimed', count: 1 },
      { queue: 'crawl', status: 'done', count: 1 },
      { queue: 'crawl', status: 'open', count: 1 },
      { queue: 'mail', status: 'open', count: 1 },
    ]);
    assert.deepEqual(
      { entries: r.llmCache.entries, hits: r.llmCache.hits, misses: r.llmCache.misses },
      { entries: 1, hits: 2, misses: 1 },
    );
    assert.ok(Math.abs(r.llmCache.hitRate - 2 / 3) < 1e-9);
    assert.ok(Math.abs(r.llmCache.costSaved - 0.04) < 1e-9);
    assert.ok(r.at instanceof Date);
  });

  it('gives the database figures this engine has and names the others with a reason', async () => {
    const r = await ctx.memory().stats({});
    const d = r.database;
    assert.ok(d.sizeBytes > 0);
    const episodes = d.tables.find((t) => t.table === 'episodes');
    assert.ok(episodes && episodes.totalBytes >= episodes.tableBytes + episodes.indexBytes);
    assert.ok(d.indexes.length > 0 && d.indexes.length <= 10);
    assert.ok(d.cacheHitRatio !== null && d.cacheHitRatio > 0 && d.cacheHitRatio <= 1);
    const missing = r.unavailable.map((u) => u.figure);
    assert.ok(missing.includes('embeddings.rowsPerSecond'));
    for (const u of r.unavailable) assert.ok(u.reason.length > 10, u.figure);
    if (ctx.backend === 'pglite') {
      assert.equal(d.connections, null);
      assert.equal(d.longestRunningMs, null);
      assert.equal(d.slowStatements, null);
      for (const f of ['database.connections', 'database.longestRunningMs', 'database.slowStatements'])
        assert.ok(missing.includes(f), f);
    } else {
      assert.ok(d.connections && d.connections.used >= 1 && d.connections.max >= d.connections.used);
      assert.equal(typeof d.longestRunningMs, 'number');
      assert.ok(!missing.includes('database.connections'));
      // The test server does not load pg_stat_statements: said so, not faked.
      if (d.slowStatements === null) assert.ok(missing.includes('database.slowStatements'));
    }
  });

  it('warns when the database passes 90% of the size it must stay under, and not without a limit', async () => {
    const healthy = await ctx.memory().stats({});
    assert.deepEqual(healthy.warnings, []);
    const size = healthy.database.sizeBytes;
    const roomy = await ctx.memory().stats({ maxSizeBytes: size * 2 });
    assert.deepEqual(roomy.warnings, []);
    const tight = await ctx.memory().stats({ maxSizeBytes: size });
    assert.equal(tight.database.maxSizeBytes, size);
    const w = tight.warnings.find((x) => x.threshold === 'store_size');
    assert.ok(w, JSON.stringify(tight.warnings));
    assert.equal(w.limit, Math.floor(size * 0.9));
    assert.ok(w.value >= w.limit);
    assert.match(w.message, /past 90% of its/);
  });

  it('refuses a size limit that is not a positive whole number, naming the field', async () => {
    await assert.rejects(
      ctx.memory().stats({ maxSizeBytes: -1 }),
      (e: Error & { code?: string; field?: string }) => {
        assert.equal(e.code, 'invalid_input');
        assert.equal(e.field, 'maxSizeBytes');
        return true;
      },
    );
  });
});
